package io.meterline.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/** What the library's tests need from the real server over and over. */
final class Fixtures {
  /** The region tasks launch in unless a test says otherwise. */
  static final String REGION = "us-east-1";

  private Fixtures() {}

  /** A 12-digit account id nobody has used yet (the account is not created). */
  static String newAccountId() {
    return String.format(
        "%012d", ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
  }

  /** A new buyer account's id. */
  static String newBuyer(TestServer server) {
    return server.admin().buyer(newAccountId()).get("awsAccountId").asText();
  }

  /**
   * An SDK client with these credentials and region, the SDK's own retries off (so every call the
   * library makes shows as one request), and these interceptors.
   */
  static MarketplaceMeteringClient client(
      TestServer server,
      AwsCredentials credentials,
      String region,
      ExecutionInterceptor... interceptors) {
    return server
        .clientBuilder(credentials, region)
        .overrideConfiguration(o -> oneAttempt(o, interceptors))
        .build();
  }

  /** An SDK client signed with a task's credentials, in the task's region, retries off. */
  static MarketplaceMeteringClient taskClient(
      TestServer server, JsonNode task, ExecutionInterceptor... interceptors) {
    return client(
        server, TestServer.taskCredentials(task), task.get("region").asText(), interceptors);
  }

  /**
   * A License Manager client signed with a task's credentials, pointed at the server, the SDK's own
   * retries off, with these interceptors.
   */
  static LicenseManagerClient licenseClient(
      TestServer server, JsonNode task, ExecutionInterceptor... interceptors) {
    return LicenseManagerClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.of(task.get("region").asText()))
        .credentialsProvider(StaticCredentialsProvider.create(TestServer.taskCredentials(task)))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> oneAttempt(o, interceptors))
        .build();
  }

  private static void oneAttempt(
      ClientOverrideConfiguration.Builder o, ExecutionInterceptor... interceptors) {
    o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1));
    for (ExecutionInterceptor i : interceptors) {
      o.addExecutionInterceptor(i);
    }
  }

  /**
   * Moves the server's test clock forward to half past the next hour and returns the start of that
   * hour, so a test has half an hour either side inside one hour bucket.
   */
  static Instant halfPastNextHour(TestServer server) {
    Instant hour = server.admin().now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    server.admin().setClock(hour.plus(Duration.ofMinutes(30)).toString());
    return hour;
  }
}
