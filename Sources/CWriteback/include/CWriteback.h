#ifndef CWRITEBACK_H
#define CWRITEBACK_H

/// Starts writing the dirty pages of a byte range of a file to disk without waiting for them
/// (Linux `sync_file_range` with SYNC_FILE_RANGE_WRITE), so a later fsync has little left to wait
/// for. Returns 0, or -1 with errno set (callers may ignore a failure: fsync still makes it durable).
int mfc_start_writeback(int fd, long long offset, long long count);

#endif
