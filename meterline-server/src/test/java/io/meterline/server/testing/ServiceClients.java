package io.meterline.server.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;

/** The official SDK clients of the services beside metering, pointed at the server. */
public final class ServiceClients {
  private ServiceClients() {}

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
