#ifndef CFILECOPY_H
#define CFILECOPY_H

/// Copies up to `count` bytes from `input` at `*input_offset` to `output` at `*output_offset`
/// inside the kernel (Linux `copy_file_range`: no copy through user memory; a reflink where the
/// file system shares extents), advancing both offsets by the bytes copied. Returns that count,
/// 0 at the end of `input`, or -1 with errno set (ENOSYS where the call does not exist).
long long mfc_copy_file_range(int input, long long *input_offset, int output, long long *output_offset,
                              long long count);

/// Starts writing the dirty pages of a byte range of a file to disk without waiting for them
/// (Linux `sync_file_range` with SYNC_FILE_RANGE_WRITE), so a later fsync has little left to wait
/// for. Returns 0, or -1 with errno set (callers may ignore a failure: fsync still makes it durable).
int mfc_start_writeback(int fd, long long offset, long long count);

#endif
