package io.meterline.server.config;

import java.util.Set;

/** The regions a server answers for by default. */
public final class Regions {
  /**
   * The commercial regions where MeterUsage and BatchMeterUsage run
   * (reference/aws-metering-facts.md §4.10).
   */
  public static final Set<String> COMMERCIAL =
      Set.of(
          "us-east-1",
          "us-east-2",
          "us-west-1",
          "us-west-2",
          "ca-central-1",
          "sa-east-1",
          "eu-west-1",
          "eu-west-2",
          "eu-west-3",
          "eu-central-1",
          "eu-central-2",
          "eu-north-1",
          "eu-south-1",
          "eu-south-2",
          "il-central-1",
          "me-south-1",
          "me-central-1",
          "af-south-1",
          "ap-east-1",
          "ap-south-1",
          "ap-south-2",
          "ap-southeast-1",
          "ap-southeast-2",
          "ap-southeast-3",
          "ap-southeast-4",
          "ap-northeast-1",
          "ap-northeast-2",
          "ap-northeast-3");

  private Regions() {}
}
