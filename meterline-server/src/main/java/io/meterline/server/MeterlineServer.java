package io.meterline.server;

import io.meterline.server.config.ServiceClock;
import io.meterline.server.http.HttpServer;
import io.meterline.server.notify.Notifier;
import io.meterline.server.platform.TaskReaper;
import io.meterline.server.store.Database;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** A running server; closing it stops the network, drains the write queue and closes storage. */
public final class MeterlineServer implements AutoCloseable {
  private final HttpServer http;
  private final Database db;
  private final ServiceClock serviceClock;
  private final String host;
  private final String adminToken;
  private final List<ExecutorService> executors;
  private final TaskReaper reaper;
  private final Notifier notifier;

  MeterlineServer(
      HttpServer http,
      Database db,
      ServiceClock serviceClock,
      String host,
      String adminToken,
      List<ExecutorService> executors,
      TaskReaper reaper,
      Notifier notifier) {
    this.http = http;
    this.db = db;
    this.serviceClock = serviceClock;
    this.host = host;
    this.adminToken = adminToken;
    this.executors = executors;
    this.reaper = reaper;
    this.notifier = notifier;
  }

  /** The port it listens on. */
  public int port() {
    return http.port();
  }

  /** The endpoint to point the SDKs at, e.g. {@code http://127.0.0.1:6387}. */
  public URI endpoint() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + h + ":" + port());
  }

  /** The admin API's bearer token. */
  public String adminToken() {
    return adminToken;
  }

  /** Service time. */
  public ServiceClock serviceClock() {
    return serviceClock;
  }

  /** The sweep for abandoned tasks, which tests may run at once. */
  public TaskReaper taskReaper() {
    return reaper;
  }

  /** The notification outbox's sender, which tests may run at once. */
  public Notifier notifier() {
    return notifier;
  }

  /** The database, for its figures. */
  public Database database() {
    return db;
  }

  @Override
  public void close() {
    reaper.close();
    notifier.close();
    http.close();
    for (ExecutorService e : executors) {
      e.shutdown();
    }
    db.close();
    for (ExecutorService e : executors) {
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
