package io.meterline.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;

/** The official SDK clients of the services beside metering, pointed at the server. */
public final class ServiceClients {
  private ServiceClients() {}

  /** A task's temporary credentials, from the admin API's task JSON. */
  public static AwsSessionCredentials taskCredentials(JsonNode task) {
    JsonNode c = task.get("credentials");
    return AwsSessionCredentials.create(
        c.get("accessKeyId").asText(),
        c.get("secretAccessKey").asText(),
        c.get("sessionToken").asText());
  }

  /** A long-term key's credentials, from the admin API's access-key JSON. */
  public static AwsBasicCredentials keyCredentials(JsonNode key) {
    return AwsBasicCredentials.create(
        key.get("accessKeyId").asText(), key.get("secretAccessKey").asText());
  }

  public static LicenseManagerClient licenseManager(URI endpoint, AwsCredentials credentials) {
    return LicenseManagerClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .build();
  }

  public static MarketplaceEntitlementClient entitlements(
      URI endpoint, AwsCredentials credentials) {
    return MarketplaceEntitlementClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .build();
  }
}
