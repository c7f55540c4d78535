package io.meterline.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Complete HTTP/1.1 requests, bytes ready to write, packed into large direct buffers so that
 * sending one costs a slice (no copy, no encoding) and holding a million costs no GC work.
 *
 * <p>Not thread-safe while being filled; read-only (and shareable) once {@link #seal}ed.
 */
public final class RequestSet implements AutoCloseable {
  private static final int SLAB_BYTES = 16 * 1024 * 1024;

  private final List<ByteBuf> slabs = new ArrayList<>();
  private int[] slab = new int[1024];
  private int[] offset = new int[1024];
  private int[] length = new int[1024];
  private int size;
  private long bytes;
  private boolean sealed;

  /** Adds one request's bytes. */
  public void add(byte[] request) {
    if (sealed) {
      throw new IllegalStateException("the set is sealed");
    }
    if (request.length > SLAB_BYTES) {
      throw new IllegalArgumentException(
          "a request must be <= " + SLAB_BYTES + " bytes, was " + request.length);
    }
    ByteBuf current = slabs.isEmpty() ? null : slabs.get(slabs.size() - 1);
    if (current == null || current.writableBytes() < request.length) {
      current = Unpooled.directBuffer(SLAB_BYTES, SLAB_BYTES);
      slabs.add(current);
    }
    if (size == slab.length) {
      slab = Arrays.copyOf(slab, size * 2);
      offset = Arrays.copyOf(offset, size * 2);
      length = Arrays.copyOf(length, size * 2);
    }
    slab[size] = slabs.size() - 1;
    offset[size] = current.writerIndex();
    length[size] = request.length;
    current.writeBytes(request);
    bytes += request.length;
    size++;
  }

  /** Ends filling. */
  public RequestSet seal() {
    sealed = true;
    return this;
  }

  /** How many requests there are. */
  public int size() {
    return size;
  }

  /** Their total size. */
  public long bytes() {
    return bytes;
  }

  /**
   * Request {@code i} as a buffer the caller owns (writing it releases it); the slab stays alive
   * until both it and this set are released.
   */
  public ByteBuf get(int i) {
    return slabs.get(slab[i]).retainedSlice(offset[i], length[i]);
  }

  /** A copy of request {@code i}'s bytes (tests, diagnostics). */
  public byte[] copyOf(int i) {
    byte[] out = new byte[length[i]];
    slabs.get(slab[i]).getBytes(offset[i], out);
    return out;
  }

  /**
   * The requests in order, each sent once, by whichever connection asks next; then none, which ends
   * the run. One conversation shared by all connections of a plan.
   */
  public Conversation inOrder() {
    requireSealed();
    AtomicInteger cursor = new AtomicInteger();
    return () -> {
      int i = cursor.getAndIncrement();
      return i < size ? get(i) : null;
    };
  }

  /**
   * The requests round and round without end, for a server that ignores what it is sent (a
   * baseline). One conversation shared by all connections of a plan.
   */
  public Conversation cycling() {
    requireSealed();
    if (size == 0) {
      throw new IllegalStateException("an empty set cannot cycle");
    }
    AtomicInteger cursor = new AtomicInteger();
    return () -> get(Math.floorMod(cursor.getAndIncrement(), size));
  }

  private void requireSealed() {
    if (!sealed) {
      throw new IllegalStateException("seal the set before sending it");
    }
  }

  @Override
  public void close() {
    for (ByteBuf b : slabs) {
      b.release();
    }
    slabs.clear();
  }
}
