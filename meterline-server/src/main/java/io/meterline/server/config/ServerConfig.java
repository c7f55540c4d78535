package io.meterline.server.config;

import io.meterline.wire.Operation;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a server is started with.
 *
 * @param host the address to listen on
 * @param port the port to listen on; 0 picks a free one
 * @param dataDir where the SQLite database, the master key and {@code server.json} live
 * @param adminToken the bearer token of the admin API; {@code null} generates one
 * @param store which database to use
 * @param jdbcUrl the PostgreSQL JDBC URL (required with {@link StoreKind#POSTGRES})
 * @param testClock whether service time only moves through the admin API
 * @param quotas requests per second per (account, region, operation); empty means no throttling
 * @param regions the regions this server answers for
 * @param masterKeyFile the file holding the key that derives and seals secrets; {@code null} means
 *     {@code master.key} in the data directory
 * @param ioThreads the number of network threads; 0 means one per core
 * @param limits time windows and lifetimes
 * @param commit the group-commit settings of the write path
 * @param accessLog whether to log one JSON line per request to the logger meterline.access
 * @param http the body limit and budget, the connection limit and the request deadline
 * @param listingFeePercent the share of a buyer's charges the seller reports count as AWS's listing
 *     fee, in per cent
 * @param callLogSize how many data-plane calls the call log keeps in memory
 * @param adminTokenHint where a person finds the admin token, said in every 401 (e.g. the file
 *     {@code serve} keeps it in); {@code null} for the default hint
 * @param endpointKeyFile the seller's Ed25519 private key (PKCS#8 PEM) with which this server
 *     proves to the seller's product that it is the seller's; {@code null} derives one from the
 *     master key
 * @param notifyAllow hosts besides loopback that notifications may be sent to, lower case
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String adminToken,
    StoreKind store,
    String jdbcUrl,
    boolean testClock,
    Map<Operation, Double> quotas,
    Set<String> regions,
    Path masterKeyFile,
    int ioThreads,
    Limits limits,
    CommitSettings commit,
    boolean accessLog,
    HttpLimits http,
    BigDecimal listingFeePercent,
    int callLogSize,
    Path endpointKeyFile,
    String adminTokenHint,
    Set<String> notifyAllow) {

  /** The port {@code serve} listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 6387;

  /** The listing fee of the seller reports unless told otherwise, in per cent. */
  public static final BigDecimal DEFAULT_LISTING_FEE_PERCENT = BigDecimal.valueOf(3);

  /** How many calls the call log keeps unless told otherwise (SPEC §3.1). */
  public static final int DEFAULT_CALL_LOG_SIZE = 10_000;

  /** The body limit: BatchMeterUsage bodies must stay under 1 MB (facts §3.2). */
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(store, "store");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (store == StoreKind.POSTGRES && (jdbcUrl == null || jdbcUrl.isBlank())) {
      throw new IllegalArgumentException(
          "--store postgres needs --jdbc-url "
              + "(e.g. jdbc:postgresql://localhost:5432/meterline?user=…&password=…)");
    }
    quotas = Map.copyOf(quotas);
    regions = Set.copyOf(regions);
    if (regions.isEmpty()) {
      throw new IllegalArgumentException("regions must not be empty");
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(listingFeePercent, "listingFeePercent");
    if (listingFeePercent.signum() < 0
        || listingFeePercent.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw new IllegalArgumentException(
          "--listing-fee-percent must be from 0 to 100, was " + listingFeePercent.toPlainString());
    }
    if (callLogSize < 0) {
      throw new IllegalArgumentException("--call-log-size must be 0 or more, was " + callLogSize);
    }
    notifyAllow =
        notifyAllow.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** The master key file in effect. */
  public Path effectiveMasterKeyFile() {
    return masterKeyFile != null ? masterKeyFile : dataDir.resolve("master.key");
  }

  /**
   * AWS's default quotas: MeterUsage 10/s, BatchMeterUsage 10/s, RegisterUsage 5/s (facts §4.9).
   */
  public static Map<Operation, Double> awsQuotas() {
    Map<Operation, Double> quotas = new EnumMap<>(Operation.class);
    quotas.put(Operation.METER_USAGE, 10.0);
    quotas.put(Operation.BATCH_METER_USAGE, 10.0);
    quotas.put(Operation.REGISTER_USAGE, 5.0);
    quotas.put(Operation.RESOLVE_CUSTOMER, 10.0);
    return quotas;
  }

  /** A builder with the defaults of {@code meterline serve}, storing in {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** Builds a {@link ServerConfig}; every setter returns the builder. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private final Path dataDir;
    private String adminToken;
    private StoreKind store = StoreKind.SQLITE;
    private String jdbcUrl;
    private boolean testClock;
    private Map<Operation, Double> quotas = Map.of();
    private Set<String> regions = Regions.COMMERCIAL;
    private Path masterKeyFile;
    private Path endpointKeyFile;
    private String adminTokenHint;
    private int ioThreads;
    private Limits limits = Limits.defaults();
    private CommitSettings commit;
    private java.time.Duration maxQueueWait;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private long bodyBudgetBytes;
    private int maxConnections;
    private boolean accessLog;
    private java.time.Duration requestDeadline = java.time.Duration.ofSeconds(30);
    private BigDecimal listingFeePercent = DEFAULT_LISTING_FEE_PERCENT;
    private int callLogSize = DEFAULT_CALL_LOG_SIZE;
    private Set<String> notifyAllow = Set.of();

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder adminToken(String adminToken) {
      this.adminToken = adminToken;
      return this;
    }

    public Builder store(StoreKind store) {
      this.store = store;
      return this;
    }

    public Builder jdbcUrl(String jdbcUrl) {
      this.jdbcUrl = jdbcUrl;
      return this;
    }

    public Builder testClock(boolean testClock) {
      this.testClock = testClock;
      return this;
    }

    public Builder quotas(Map<Operation, Double> quotas) {
      this.quotas = quotas;
      return this;
    }

    public Builder regions(Set<String> regions) {
      this.regions = regions;
      return this;
    }

    public Builder masterKeyFile(Path masterKeyFile) {
      this.masterKeyFile = masterKeyFile;
      return this;
    }

    public Builder adminTokenHint(String adminTokenHint) {
      this.adminTokenHint = adminTokenHint;
      return this;
    }

    public Builder endpointKeyFile(Path endpointKeyFile) {
      this.endpointKeyFile = endpointKeyFile;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = limits;
      return this;
    }

    public Builder commit(CommitSettings commit) {
      this.commit = commit;
      return this;
    }

    /**
     * How long the oldest queued write may wait before new work is turned away (default {@link
     * CommitSettings#DEFAULT_MAX_QUEUE_WAIT}); overrides that part of the commit settings.
     */
    public Builder maxQueueWait(java.time.Duration maxQueueWait) {
      this.maxQueueWait = maxQueueWait;
      return this;
    }

    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** The most request-body bytes held at once; 0 (the default) means an eighth of the heap. */
    public Builder bodyBudgetBytes(long bodyBudgetBytes) {
      this.bodyBudgetBytes = bodyBudgetBytes;
      return this;
    }

    /** The most connections open at once; 0 (the default) means as many as the heap allows. */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    public Builder accessLog(boolean accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    public Builder requestDeadline(java.time.Duration requestDeadline) {
      this.requestDeadline = requestDeadline;
      return this;
    }

    public Builder listingFeePercent(BigDecimal listingFeePercent) {
      this.listingFeePercent = listingFeePercent;
      return this;
    }

    /** How many data-plane calls the call log keeps; 0 keeps none. */
    public Builder callLogSize(int callLogSize) {
      this.callLogSize = callLogSize;
      return this;
    }

    /** Hosts besides loopback that notifications may be sent to. */
    public Builder notifyAllow(Set<String> notifyAllow) {
      this.notifyAllow = Set.copyOf(notifyAllow);
      return this;
    }

    public ServerConfig build() {
      CommitSettings effectiveCommit = commit != null ? commit : CommitSettings.defaults(store);
      if (maxQueueWait != null) {
        effectiveCommit =
            new CommitSettings(
                effectiveCommit.threads(),
                effectiveCommit.maxBatch(),
                effectiveCommit.queueCapacity(),
                maxQueueWait);
      }
      return new ServerConfig(
          host,
          port,
          dataDir,
          adminToken,
          store,
          jdbcUrl,
          testClock,
          quotas,
          regions,
          masterKeyFile,
          ioThreads,
          limits,
          effectiveCommit,
          accessLog,
          new HttpLimits(maxBodyBytes, bodyBudgetBytes, maxConnections, requestDeadline),
          listingFeePercent,
          callLogSize,
          endpointKeyFile,
          adminTokenHint,
          notifyAllow);
    }
  }
}
