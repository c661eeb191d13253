// copy_file_range and sync_file_range are GNU extensions that Swift's Glibc module does not import.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "CFileCopy.h"

long long mfc_copy_file_range(int input, long long *input_offset, int output, long long *output_offset,
                              long long count) {
#ifdef __linux__
    off_t in = (off_t)*input_offset, out = (off_t)*output_offset;
    ssize_t n = copy_file_range(input, &in, output, &out, (size_t)count, 0);
    if (n > 0) { *input_offset = in; *output_offset = out; }
    return n;
#else
    (void)input; (void)input_offset; (void)output; (void)output_offset; (void)count;
    errno = ENOSYS;
    return -1;
#endif
}

int mfc_start_writeback(int fd, long long offset, long long count) {
#ifdef __linux__
    return sync_file_range(fd, (off_t)offset, (off_t)count, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd; (void)offset; (void)count;
    return 0;
#endif
}
