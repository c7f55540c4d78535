package io.meterline.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock by which one {@code meterline serve} owns its data directory: an exclusive lock on
 * {@code serve.lock} in it, held while the server runs and dropped by the system when the process
 * ends however it ends.
 */
final class DataDirectoryLock {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock, or {@code null} when another process holds it. */
  static DataDirectoryLock acquire(Path dataDir) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dataDir.resolve("serve.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM runs a server on it already
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    return new DataDirectoryLock(channel, lock);
  }

  void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is ending; the system drops the lock
    }
  }
}
