package io.meterline.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;

/**
 * The region, never configured (facts §4.7, §8): {@code AWS_REGION}; else the ECS task metadata
 * (the region field of the TaskARN, or the AvailabilityZone less its letter: an ECS-on-EC2 task of
 * an older agent has no {@code AWS_REGION}); else IMDSv2. The SDK's own chain does not read the
 * task metadata, hence this one.
 */
final class RegionResolver {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(RegionResolver.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(2);

  private final Map<String, String> env;

  RegionResolver(Map<String, String> env) {
    this.env = env;
  }

  static Region resolve() {
    return new RegionResolver(System.getenv()).region();
  }

  Region region() {
    return fromEnvironment()
        .map(r -> found(r, "AWS_REGION"))
        .or(() -> fromTaskMetadata().map(r -> found(r, "the ECS task metadata")))
        .or(() -> fromInstanceMetadata().map(r -> found(r, "the EC2 instance metadata")))
        .map(Region::of)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "the region is unknown: no AWS_REGION, no ECS task metadata and no EC2 "
                        + "instance metadata. Is this running on ECS, EKS or EC2?"));
  }

  private static String found(String region, String where) {
    LOG.info("region {}, from {}", region, where);
    return region;
  }

  private Optional<String> fromEnvironment() {
    String fromProperty = System.getProperty("aws.region");
    String value = fromProperty != null ? fromProperty : env.get("AWS_REGION");
    return Optional.ofNullable(value).filter(v -> !v.isBlank()).map(String::strip);
  }

  private Optional<String> fromTaskMetadata() {
    String base = env.get("ECS_CONTAINER_METADATA_URI_V4");
    if (base == null || base.isBlank()) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(METADATA_TIMEOUT)
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(base.strip() + "/task"))
                      .timeout(METADATA_TIMEOUT)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      return regionOfTask(r.body());
    } catch (IOException | IllegalArgumentException | SdkClientException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The region of a task metadata document: TaskARN field 4, else the AZ less its letter. */
  static Optional<String> regionOfTask(String taskDocument) {
    Map<String, JsonNode> doc = JsonNode.parser().parse(taskDocument).asObject();
    Optional<String> fromArn =
        Optional.ofNullable(doc.get("TaskARN"))
            .filter(JsonNode::isString)
            .map(n -> n.asString().split(":"))
            .filter(parts -> parts.length > 4 && !parts[3].isEmpty())
            .map(parts -> parts[3]);
    return fromArn.or(
        () ->
            Optional.ofNullable(doc.get("AvailabilityZone"))
                .filter(JsonNode::isString)
                .map(JsonNode::asString)
                .filter(az -> az.length() > 1)
                .map(az -> az.substring(0, az.length() - 1)));
  }

  private static Optional<String> fromInstanceMetadata() {
    try {
      return Optional.ofNullable(new InstanceProfileRegionProvider().getRegion()).map(Region::id);
    } catch (SdkClientException e) {
      return Optional.empty();
    }
  }
}
