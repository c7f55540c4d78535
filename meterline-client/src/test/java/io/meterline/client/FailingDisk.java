package io.meterline.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The spool's disk, able to fill up: while {@link #full} is set, every write puts half of its bytes
 * on disk (a torn line, as a real full disk leaves) and fails with "No space left on device", and
 * every fsync fails. Truncation works, as it does on a full disk.
 */
final class FailingDisk implements Spool.Channels {
  volatile boolean full;
  final AtomicLong failedWrites = new AtomicLong();

  @Override
  public FileChannel openForAppend(Path file) throws IOException {
    if (full) {
      failedWrites.incrementAndGet();
      throw new IOException("No space left on device");
    }
    return new Channel(Spool.Channels.FILES.openForAppend(file));
  }

  private final class Channel extends FileChannel {
    private final FileChannel delegate;

    Channel(FileChannel delegate) {
      this.delegate = delegate;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (full) {
        failedWrites.incrementAndGet();
        int half = src.remaining() / 2;
        ByteBuffer part = src.duplicate();
        part.limit(part.position() + half);
        delegate.write(part);
        throw new IOException("No space left on device");
      }
      return delegate.write(src);
    }

    @Override
    public void force(boolean metaData) throws IOException {
      if (full) {
        failedWrites.incrementAndGet();
        throw new IOException("No space left on device");
      }
      delegate.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      delegate.truncate(size);
      return this;
    }

    @Override
    public long size() throws IOException {
      return delegate.size();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return delegate.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      throw new UnsupportedOperationException("the spool writes one buffer at a time");
    }

    @Override
    public long position() throws IOException {
      return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      delegate.position(newPosition);
      return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target)
        throws IOException {
      return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException("the spool appends");
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return delegate.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) {
      throw new UnsupportedOperationException("the spool appends");
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException("the spool does not map");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException("the spool locks its own lock file");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException("the spool locks its own lock file");
    }

    @Override
    protected void implCloseChannel() throws IOException {
      delegate.close();
    }
  }
}
