package io.meterline.client;

import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The metering client the library builds when none is given: credentials from the SDK's default
 * chain, the region from {@link RegionResolver}, the endpoint from the SDK's own resolution (which
 * honours {@code AWS_ENDPOINT_URL_MARKETPLACE_METERING}). Nothing is configured in code.
 */
final class Clients {
  private Clients() {}

  static MarketplaceMeteringClient metering() {
    return MarketplaceMeteringClient.builder().region(RegionResolver.resolve()).build();
  }
}
