package io.meterline.bench;

import io.meterline.wire.crypto.Jws;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The raw PS256 signing rate of this JVM: one thread per core signing RegisterUsage claims (the
 * server's payload shape, a fresh nonce each) with an RSA-2048 key, nothing else running. It is the
 * ceiling of RegisterUsage, whose every answer carries such a signature.
 */
final class SigningBaseline {
  private SigningBaseline() {}

  static RunResult run(String name, Duration warmup, Duration measure) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey key = generator.generateKeyPair().getPrivate();
    int threads = Runtime.getRuntime().availableProcessors();
    long start = System.nanoTime();
    long measureStart = start + warmup.toNanos();
    long measureEnd = measureStart + measure.toNanos();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long[] counts = new long[threads];
    for (int t = 0; t < threads; t++) {
      Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
      histograms.add(h);
      int slot = t;
      Thread worker =
          new Thread(
              () -> {
                long n = 0;
                while (true) {
                  long before = System.nanoTime();
                  if (before >= measureEnd) {
                    break;
                  }
                  Jws.signPs256(key, claims(before / 1_000_000_000L));
                  long after = System.nanoTime();
                  if (before >= measureStart && after <= measureEnd) {
                    h.recordValue(Math.max(1, (after - before) / 1000));
                    n++;
                  }
                }
                counts[slot] = n;
              },
              "bench-sign-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread w : workers) {
      w.join();
    }
    Histogram merged = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
    histograms.forEach(merged::add);
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    return new RunResult(
        name,
        "sig",
        total,
        measure.toNanos() / 1e9,
        merged,
        "signature (" + threads + " threads)",
        total,
        Map.of(),
        List.of(),
        0,
        false,
        CpuUse.UNMEASURED);
  }

  private static String claims(long iat) {
    return "{\"productCode\":\"abcdefghijklmnopqrstuvwxy\",\"publicKeyVersion\":1,\"nonce\":\""
        + UUID.randomUUID()
        + "\",\"iat\":"
        + iat
        + "}";
  }
}
