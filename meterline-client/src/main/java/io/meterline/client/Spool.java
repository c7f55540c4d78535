package io.meterline.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32;

/**
 * The meter's durable local log: usage added per hour and dimension, and what became of each hour's
 * record. It survives a crash (kill -9, power loss): a record counts only once fsync'd, and a torn
 * last line is dropped at the next start.
 *
 * <p>Notes on the design:
 *
 * <ul>
 *   <li>One line per event, {@code <kind> <fields…> <crc32>}; dimensions are base64url so no field
 *       holds a space. Kinds: S (start hour), A (add), T (about to send), D (delivered), X
 *       (expired), C (conflict), R (rejected); an X or C line may end with an hour and a quantity
 *       carried into that hour (catch-up).
 *   <li>Group commit without a thread: a writer queues its lines; whoever holds the write lock
 *       writes every queued line and fsyncs once, so concurrent adds share one fsync.
 *   <li>The file is compacted when it grows: settled hours before the oldest unsettled one are
 *       dropped and the start hour moves up; adds are summed. Written to a temporary file, fsync'd
 *       and renamed over the old one.
 *   <li>An exclusive file lock keeps a second process off the same spool.
 * </ul>
 */
final class Spool implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Spool.class);

  /** The log's length at which it is compacted, unless the last compaction left it longer. */
  static final long COMPACT_BYTES = 4L * 1024 * 1024;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** A dimension in an hour. */
  record Slot(long hour, String dimension) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot o) {
      int byHour = Long.compare(hour, o.hour);
      return byHour != 0 ? byHour : dimension.compareTo(o.dimension);
    }
  }

  /** What became of a slot's record. */
  enum Kind {
    DELIVERED,
    EXPIRED,
    CONFLICT,
    /** The service refused the record itself (e.g. an unknown dimension); kept, not retried. */
    REJECTED
  }

  /** Opens the spool's log for appending; tests substitute one whose writes fail. */
  @FunctionalInterface
  interface Channels {
    Channels FILES =
        file ->
            FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);

    FileChannel openForAppend(Path file) throws IOException;
  }

  /** One append waiting for the group write that makes it durable. */
  private static final class Pending {
    final List<String> lines;
    boolean done;
    IOException failure;

    Pending(List<String> lines) {
      this.lines = lines;
    }
  }

  /** A settled slot: its kind, the quantity sent, and the record id or the reason. */
  record Outcome(Kind kind, long quantity, String detail) {}

  private final Path file;
  private final java.util.Set<String> dimensions;
  private final java.time.Clock clock;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Channels channels;
  private final long compactBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  // Held shared by an add from reading the hour until its total is in memory, and exclusively by
  // whoever needs no add half-done: the sender closing hours, and compaction.
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private final Object state = new Object();
  private final List<Pending> queued = new ArrayList<>();
  private FileChannel out;
  // Guarded by writeLock: the log's length once the last good write was fsync'd. A failed write is
  // cut back to it, so no torn line is left for later lines to follow (the load would stop there).
  private volatile long durableBytes;
  private boolean mustTruncate;
  // The log's length after the last compaction: the next one waits until the log has doubled.
  private volatile long compactedBytes;
  private volatile boolean compactionFailing;
  // Guarded by writeLock: once closed, nothing writes the log or replaces it.
  private volatile boolean closed;
  // Guarded by state: this spool's random id, for ClientTokens.
  private String instanceId;

  // Guarded by state.
  private long startHour = Long.MIN_VALUE;
  private final TreeMap<Slot, Long> totals = new TreeMap<>();
  // The tagged part of a slot's total, by tag set ({@link Tags#key()}); the rest is untagged.
  private final Map<Slot, TreeMap<String, Long>> tagged = new HashMap<>();
  private final Map<Slot, Long> attempts = new HashMap<>();
  private final TreeMap<Slot, Outcome> outcomes = new TreeMap<>();

  private Spool(
      Path file,
      java.util.Set<String> dimensions,
      java.time.Clock clock,
      FileChannel lockChannel,
      FileLock lock,
      Channels channels,
      long compactBytes) {
    this.file = file;
    this.channels = channels;
    this.compactBytes = compactBytes;
    this.dimensions = java.util.Set.copyOf(dimensions);
    this.clock = clock;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (or creates) the spool of one product in a directory; a new one starts at the current
   * hour. The dimensions are those every hour gets a record for.
   */
  static Spool open(Path dir, String name, java.util.Set<String> dimensions, java.time.Clock clock)
      throws IOException {
    return open(dir, name, dimensions, clock, Channels.FILES, COMPACT_BYTES);
  }

  static Spool open(
      Path dir,
      String name,
      java.util.Set<String> dimensions,
      java.time.Clock clock,
      Channels channels,
      long compactBytes)
      throws IOException {
    long nowHour = hourOf(clock.instant());
    Files.createDirectories(dir);
    FileChannel lockChannel =
        FileChannel.open(
            dir.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by this JVM already
    }
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException(
          "the spool " + dir.resolve(name) + " is in use by another process");
    }
    Spool spool =
        new Spool(
            dir.resolve(name + ".log"),
            dimensions,
            clock,
            lockChannel,
            lock,
            channels,
            compactBytes);
    try {
      spool.load();
      spool.out = channels.openForAppend(spool.file);
      spool.durableBytes = spool.out.size();
      if (spool.startHour == Long.MIN_VALUE) {
        spool.startHour = nowHour;
        spool.append(List.of("S " + nowHour));
      }
      if (spool.instanceId == null) {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        String id = B64.encodeToString(random);
        spool.append(List.of("I " + id));
        spool.instanceId = id;
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(spool.out);
      lock.release();
      lockChannel.close();
      throw e;
    }
    return spool;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** Adds usage to the current hour, durably: returns once the add is fsync'd. */
  void add(String dimension, long quantity) {
    add(dimension, quantity, Tags.NONE);
  }

  /** Adds usage with a tag set (usage allocation) to the current hour, durably. */
  void add(String dimension, long quantity, Tags tags) {
    gate.readLock().lock();
    try {
      addToHour(hourOf(clock.instant()), dimension, quantity, tags);
    } finally {
      gate.readLock().unlock();
    }
    maybeCompact();
  }

  /** Adds usage to a given hour, durably. */
  void add(long hour, String dimension, long quantity) {
    gate.readLock().lock();
    try {
      addToHour(hour, dimension, quantity, Tags.NONE);
    } finally {
      gate.readLock().unlock();
    }
    maybeCompact();
  }

  private void addToHour(long hour, String dimension, long quantity, Tags tags) {
    String line = "A " + hour + " " + enc(dimension) + " " + quantity;
    append(List.of(tags.isEmpty() ? line : line + " " + tags.key()));
    synchronized (state) {
      Slot slot = new Slot(hour, dimension);
      totals.merge(slot, quantity, Long::sum);
      if (!tags.isEmpty()) {
        tagged.computeIfAbsent(slot, k -> new TreeMap<>()).merge(tags.key(), quantity, Long::sum);
      }
    }
  }

  /**
   * The current hour, once no add is half-done: every hour before it then holds its final total,
   * since later adds read a later time.
   */
  long closedBefore() {
    gate.writeLock().lock();
    try {
      return hourOf(clock.instant());
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** {@link #closedBefore()}, waiting until {@code deadlineNanos} at most; -1 if it could not. */
  long closedBefore(long deadlineNanos) {
    try {
      if (!gate.writeLock()
          .tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return -1;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
    try {
      return hourOf(clock.instant());
    } finally {
      gate.writeLock().unlock();
    }
  }

  /** Notes, durably, that a slot's record is about to be sent with this quantity. */
  void attempt(Slot slot, long quantity) {
    synchronized (state) {
      if (Long.valueOf(quantity).equals(attempts.get(slot))) {
        return;
      }
    }
    gate.readLock().lock();
    try {
      append(List.of("T " + slot.hour() + " " + enc(slot.dimension()) + " " + quantity));
      synchronized (state) {
        attempts.put(slot, quantity);
      }
    } finally {
      gate.readLock().unlock();
    }
  }

  /** Settles a slot, durably. */
  void settle(Slot slot, Outcome outcome) {
    settle(slot, outcome, 0, 0);
  }

  /**
   * Settles a slot and carries units of it into a later hour of the same dimension, in one line:
   * after a crash either both happened or neither, so units are never carried twice or lost.
   */
  void settle(Slot slot, Outcome outcome, long carryHour, long carryQuantity) {
    String line = settledLine(slot, outcome);
    if (carryQuantity > 0) {
      line += " " + carryHour + " " + carryQuantity;
    }
    // Under the gate, as an add: a compaction in between would rewrite the log from memory that
    // lacks this line, and the line would be lost.
    gate.readLock().lock();
    try {
      append(List.of(line));
      synchronized (state) {
        outcomes.put(slot, outcome);
        if (carryQuantity > 0) {
          totals.merge(new Slot(carryHour, slot.dimension()), carryQuantity, Long::sum);
        }
      }
    } finally {
      gate.readLock().unlock();
    }
    maybeCompact();
  }

  /**
   * Appends lines and returns once they are fsync'd, sharing the write and the fsync with every
   * append queued meanwhile. A failed write or fsync fails every append of its group (none of them
   * was acknowledged) and cuts the log back to its last durable length.
   */
  private void append(List<String> lines) {
    Pending mine = new Pending(lines);
    synchronized (queued) {
      queued.add(mine);
    }
    writeLock.lock();
    try {
      if (!mine.done) {
        List<Pending> batch;
        synchronized (queued) {
          batch = new ArrayList<>(queued);
          queued.clear();
        }
        IOException failure;
        try {
          failure = write(batch);
        } catch (RuntimeException | Error e) {
          failure = new IOException("writing the spool failed unexpectedly", e);
          mustTruncate = true;
        }
        for (Pending p : batch) {
          p.failure = failure;
          p.done = true;
        }
      }
      if (mine.failure != null) {
        throw new UncheckedIOException(
            "the meter spool " + file + " cannot be written: " + mine.failure.getMessage(),
            mine.failure);
      }
    } finally {
      writeLock.unlock();
    }
  }

  // Under writeLock.
  private IOException write(List<Pending> batch) {
    if (closed) {
      return new IOException("the spool is closed");
    }
    StringBuilder text = new StringBuilder();
    for (Pending p : batch) {
      for (String line : p.lines) {
        text.append(line).append(' ').append(crc(line)).append('\n');
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    IOException failure = writeOnce(bytes);
    if (failure instanceof java.nio.channels.ClosedChannelException) {
      // An interrupted writer closes the channel for everyone (ClosedByInterruptException); the
      // log is reopened and the group written again, with the interrupt put back afterwards.
      boolean interrupted = Thread.interrupted();
      try {
        closeQuietly(out);
        out = null;
        failure = writeOnce(bytes);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return failure;
  }

  // Under writeLock. A failure leaves the log cut back to its last durable length, or marks it to
  // be cut back before the next write.
  private IOException writeOnce(byte[] bytes) {
    try {
      if (out == null) {
        out = channels.openForAppend(file);
        mustTruncate = true;
      }
      if (mustTruncate) {
        out.truncate(durableBytes);
        mustTruncate = false;
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(false);
      durableBytes += bytes.length;
      return null;
    } catch (IOException e) {
      mustTruncate = true;
      try {
        if (out != null && out.isOpen()) {
          out.truncate(durableBytes);
          mustTruncate = false;
        }
      } catch (IOException again) {
        e.addSuppressed(again); // the next write tries again before it writes
      }
      return e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // it is being replaced
    }
  }

  // ---- reading -------------------------------------------------------------------------------

  /** This spool's random id, made when it was created; it outlives restarts and compactions. */
  String instanceId() {
    synchronized (state) {
      return instanceId;
    }
  }

  /** The first hour the spool covers. */
  long startHour() {
    synchronized (state) {
      return startHour;
    }
  }

  /** The usage added to a slot. */
  long total(Slot slot) {
    synchronized (state) {
      return totals.getOrDefault(slot, 0L);
    }
  }

  /** The tagged parts of a slot's total, by tag set, in the order of their keys. */
  Map<String, Long> tagged(Slot slot) {
    synchronized (state) {
      TreeMap<String, Long> parts = tagged.get(slot);
      return parts == null ? Map.of() : new TreeMap<>(parts);
    }
  }

  /** The quantity last attempted for a slot, or {@code null}. */
  Long attempted(Slot slot) {
    synchronized (state) {
      return attempts.get(slot);
    }
  }

  /** A slot's outcome, or {@code null} while unsettled. */
  Outcome outcome(Slot slot) {
    synchronized (state) {
      return outcomes.get(slot);
    }
  }

  /** Counts of settled slots by kind. */
  Map<Kind, Long> settledCounts() {
    Map<Kind, Long> counts = new HashMap<>();
    synchronized (state) {
      for (Outcome o : outcomes.values()) {
        counts.merge(o.kind(), 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Replays the log line by line (never read whole); a torn or corrupt tail is cut off. */
  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    long valid = 0;
    long size;
    try (java.io.InputStream in =
        new java.io.BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      size = Files.size(file);
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
      long offset = 0;
      for (int b = in.read(); b >= 0; b = in.read()) {
        offset++;
        if (b != '\n') {
          line.write(b);
          continue;
        }
        if (!apply(line.toString(StandardCharsets.UTF_8))) {
          break;
        }
        valid = offset;
        line.reset();
      }
    }
    if (valid < size) {
      // A torn or corrupt tail (a crash mid-write): it was never acknowledged; drop it.
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(valid);
        ch.force(true);
      }
    }
  }

  private boolean apply(String line) {
    int lastSpace = line.lastIndexOf(' ');
    if (lastSpace < 0 || !line.substring(lastSpace + 1).equals(crc(line.substring(0, lastSpace)))) {
      return false;
    }
    String[] f = line.substring(0, lastSpace).split(" ");
    try {
      switch (f[0]) {
        case "S" -> startHour = Long.parseLong(f[1]);
        case "I" -> instanceId = f[1];
        case "A" -> {
          totals.merge(slot(f), Long.parseLong(f[3]), Long::sum);
          if (f.length == 5) {
            Tags.fromKey(f[4]); // a key that does not decode is a corrupt line
            tagged
                .computeIfAbsent(slot(f), k -> new TreeMap<>())
                .merge(f[4], Long.parseLong(f[3]), Long::sum);
          }
        }
        case "T" -> attempts.put(slot(f), Long.parseLong(f[3]));
        case "D" ->
            outcomes.put(slot(f), new Outcome(Kind.DELIVERED, Long.parseLong(f[3]), dec(f[4])));
        case "X" ->
            outcomes.put(slot(f), new Outcome(Kind.EXPIRED, Long.parseLong(f[3]), dec(f[4])));
        case "C" ->
            outcomes.put(slot(f), new Outcome(Kind.CONFLICT, Long.parseLong(f[3]), dec(f[4])));
        case "R" ->
            outcomes.put(slot(f), new Outcome(Kind.REJECTED, Long.parseLong(f[3]), dec(f[4])));
        default -> {
          return false;
        }
      }
      if (f.length == 7) { // a settlement that carried units into a later hour
        totals.merge(new Slot(Long.parseLong(f[5]), dec(f[2])), Long.parseLong(f[6]), Long::sum);
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  // ---- compaction ----------------------------------------------------------------------------

  // The log stays bounded: adds of an hour are summed into one line per slot, settled hours go.
  // Never throws: the caller's own write is durable already; a failed compaction is tried again
  // at the next write past the threshold, and the log it leaves is whole.
  private void maybeCompact() {
    if (durableBytes < compactionThreshold()) {
      return;
    }
    try {
      compactIfAtLeast(compactionThreshold());
      if (compactionFailing) {
        compactionFailing = false;
        LOG.info("the meter spool {} is compacted again", file);
      }
    } catch (UncheckedIOException e) {
      if (!compactionFailing) {
        compactionFailing = true;
        LOG.warn("compacting the meter spool {} failed; tried again at later writes", file, e);
      }
    }
  }

  private long compactionThreshold() {
    return Math.max(compactBytes, 2 * compactedBytes);
  }

  /** The start (epoch seconds) of the hour an instant falls in. */
  static long hourOf(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), 3600) * 3600;
  }

  /**
   * Rewrites the log with only what is still needed: hours before the oldest unsettled slot are
   * settled for good and dropped.
   */
  void compact() {
    compactIfAtLeast(0);
  }

  private void compactIfAtLeast(long threshold) {
    gate.writeLock().lock();
    writeLock.lock();
    try {
      if (closed || durableBytes < threshold) {
        return; // closed, or another thread compacted first
      }
      List<String> lines = new ArrayList<>();
      synchronized (state) {
        long keepFrom = oldestUnsettledHour(hourOf(clock.instant()));
        startHour = Math.max(startHour, keepFrom);
        totals.headMap(new Slot(startHour, ""), false).clear();
        tagged.keySet().removeIf(t -> t.hour() < startHour);
        outcomes.headMap(new Slot(startHour, ""), false).clear();
        attempts.keySet().removeIf(s -> s.hour() < startHour);
        lines.add("S " + startHour);
        lines.add("I " + instanceId);
        totals.forEach(
            (s, q) -> {
              Map<String, Long> parts = tagged.getOrDefault(s, new TreeMap<>());
              long untagged = q - parts.values().stream().mapToLong(Long::longValue).sum();
              String head = "A " + s.hour() + " " + enc(s.dimension()) + " ";
              lines.add(head + untagged);
              parts.forEach((key, part) -> lines.add(head + part + " " + key));
            });
        attempts.forEach((s, q) -> lines.add("T " + s.hour() + " " + enc(s.dimension()) + " " + q));
        outcomes.forEach((s, o) -> lines.add(settledLine(s, o)));
      }
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try (FileChannel ch = channels.openForAppend(tmp)) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
          text.append(line).append(' ').append(crc(line)).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      } catch (IOException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      } catch (IOException e) {
        // not every file system syncs directories; the rename is atomic regardless
      }
      // The old channel writes to the replaced file: it must not be written again. The new log is
      // durable whole; if it cannot be opened now, the next write opens it.
      closeQuietly(out);
      out = null;
      durableBytes = Files.size(file);
      compactedBytes = durableBytes;
      mustTruncate = false;
      out = channels.openForAppend(file);
    } catch (IOException e) {
      throw new UncheckedIOException("the meter spool " + file + " cannot be compacted", e);
    } finally {
      writeLock.unlock();
      gate.writeLock().unlock();
    }
  }

  // The first hour, from the start hour on, in which some dimension's record is unsettled.
  private long oldestUnsettledHour(long nowHour) {
    for (long hour = startHour; hour < nowHour; hour += 3600) {
      for (String dimension : dimensions) {
        Slot slot = new Slot(hour, dimension);
        Outcome o = outcomes.get(slot);
        boolean grown =
            o != null
                && o.kind() == Kind.DELIVERED
                && o.quantity() != totals.getOrDefault(slot, 0L);
        if (o == null || grown) {
          return hour;
        }
      }
    }
    return nowHour;
  }

  @Override
  public void close() throws IOException {
    close(Long.MAX_VALUE);
  }

  /**
   * Closes the spool, waiting for a write in progress until {@code deadlineNanos} at most (a hung
   * disk must not hang a shutdown); after that nothing writes the log.
   */
  void close(long deadlineNanos) throws IOException {
    boolean locked;
    try {
      locked =
          deadlineNanos == Long.MAX_VALUE
              ? lockFully()
              : writeLock.tryLock(
                  Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    try {
      closed = true;
      if (locked) {
        closeQuietly(out);
      }
    } finally {
      if (locked) {
        writeLock.unlock();
      }
      lock.release();
      lockChannel.close();
    }
  }

  private boolean lockFully() {
    writeLock.lock();
    return true;
  }

  private static String settledLine(Slot slot, Outcome outcome) {
    String kind =
        switch (outcome.kind()) {
          case DELIVERED -> "D";
          case EXPIRED -> "X";
          case CONFLICT -> "C";
          case REJECTED -> "R";
        };
    return kind
        + " "
        + slot.hour()
        + " "
        + enc(slot.dimension())
        + " "
        + outcome.quantity()
        + " "
        + enc(outcome.detail());
  }

  private static Slot slot(String[] f) {
    return new Slot(Long.parseLong(f[1]), dec(f[2]));
  }

  private static String enc(String s) {
    return s.isEmpty() ? "-" : B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String dec(String s) {
    return s.equals("-") ? "" : new String(B64D.decode(s), StandardCharsets.UTF_8);
  }

  private static String crc(String line) {
    CRC32 crc = new CRC32();
    crc.update(line.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
