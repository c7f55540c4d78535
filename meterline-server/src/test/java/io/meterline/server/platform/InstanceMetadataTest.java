package io.meterline.server.platform;

import static io.meterline.server.platform.PlatformFixtures.env;
import static io.meterline.server.platform.PlatformFixtures.meterUsage;
import static io.meterline.server.platform.PlatformFixtures.registerUsage;
import static io.meterline.server.platform.PlatformFixtures.taskBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.regions.internal.util.EC2MetadataUtils;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;

/**
 * IMDSv2 of EC2 instances and of the hosts of ECS-on-EC2 tasks (SPEC §2; facts §5.5): the session
 * token, the region and placement, and for EC2 instances the instance profile's credentials, which
 * MeterUsage accepts (the AMI path) and RegisterUsage refuses.
 */
class InstanceMetadataTest {
  /** Not the default region, so a region taken from elsewhere would show. */
  private static final String REGION = "ap-southeast-2";

  private static final String TOKEN = "X-aws-ec2-metadata-token";
  private static final String TTL = "X-aws-ec2-metadata-token-ttl-seconds";
  private static final String CREDENTIALS = "/latest/meta-data/iam/security-credentials/";

  private static final MutableClock REAL = new MutableClock();

  @RegisterExtension static final PlatformFixtures f = PlatformFixtures.onRealClock(REAL);

  @AfterEach
  void cleanUp() {
    REAL.reset();
    System.clearProperty("aws.ec2MetadataServiceEndpoint");
  }

  private static JsonNode ec2(String account) {
    return f.task(account, REGION, "EC2");
  }

  /** An ECS-on-EC2 task without AWS_REGION, which finds its region on the host's IMDS. */
  private static JsonNode ecsWithoutRegion(String account) {
    Map<String, Object> body = taskBody(account, REGION, "ECS");
    body.put("regionEnv", false);
    return f.task(body);
  }

  private static String imds(JsonNode task) {
    return env(task, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  }

  private static String token(JsonNode task) {
    PlatformFixtures.Reply r = f.put(imds(task) + "/latest/api/token", Map.of(TTL, "21600"));
    assertThat(r.status()).as("IMDS token: %s", r.body()).isEqualTo(200);
    assertThat(r.body()).isNotBlank();
    return r.body();
  }

  private static PlatformFixtures.Reply read(JsonNode task, String path) {
    return f.get(imds(task) + path, Map.of(TOKEN, token(task)));
  }

  private static String readOk(JsonNode task, String path) {
    PlatformFixtures.Reply r = read(task, path);
    assertThat(r.status()).as("IMDS %s: %s", path, r.body()).isEqualTo(200);
    return r.body();
  }

  // ---- the token -----------------------------------------------------------------------------

  @Test
  void token_withoutTtlHeader_is400() {
    assertThat(f.put(imds(ec2(f.buyer())) + "/latest/api/token", Map.of()).status()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "21601", "-1", "six hours"})
  void token_withTtlOutOfRange_is400(String ttl) {
    assertThat(f.put(imds(ec2(f.buyer())) + "/latest/api/token", Map.of(TTL, ttl)).status())
        .isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "21600"})
  void token_withTtlAtTheLimits_isIssuedAndTheTtlEchoed(String ttl) {
    PlatformFixtures.Reply r = f.put(imds(ec2(f.buyer())) + "/latest/api/token", Map.of(TTL, ttl));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isNotBlank();
    assertThat(r.header(TTL)).isEqualTo(ttl);
  }

  @Test
  void read_withoutToken_is401() {
    JsonNode task = ec2(f.buyer());

    assertThat(f.get(imds(task) + "/latest/meta-data/placement/region", Map.of()).status())
        .isEqualTo(401);
  }

  @Test
  void read_withAnotherInstancesToken_is401() {
    JsonNode task = ec2(f.buyer());
    JsonNode other = ec2(f.buyer());

    PlatformFixtures.Reply r =
        f.get(imds(task) + "/latest/meta-data/placement/region", Map.of(TOKEN, token(other)));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).doesNotContain(REGION);
  }

  @Test
  void read_withATokenPastItsTtl_is401() {
    JsonNode task = ec2(f.buyer());
    PlatformFixtures.Reply issued = f.put(imds(task) + "/latest/api/token", Map.of(TTL, "60"));
    String path = imds(task) + "/latest/meta-data/placement/region";

    REAL.shift(Duration.ofSeconds(50));
    int within = f.get(path, Map.of(TOKEN, issued.body())).status();
    REAL.shift(Duration.ofSeconds(20));
    int after = f.get(path, Map.of(TOKEN, issued.body())).status();

    assertThat(within).as("50 s into a 60 s token").isEqualTo(200);
    assertThat(after).as("70 s into a 60 s token").isEqualTo(401);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbled", "a.b", "..", "AAAA.AAAA"})
  void read_withAGarbledToken_is401(String garbled) {
    JsonNode task = ec2(f.buyer());

    assertThat(
            f.get(imds(task) + "/latest/meta-data/placement/region", Map.of(TOKEN, garbled))
                .status())
        .isEqualTo(401);
  }

  @Test
  void read_withATamperedToken_is401() {
    JsonNode task = ec2(f.buyer());
    String token = token(task);
    char last = token.charAt(token.length() - 1);
    String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');

    assertThat(
            f.get(imds(task) + "/latest/meta-data/placement/region", Map.of(TOKEN, tampered))
                .status())
        .isEqualTo(401);
  }

  // ---- region and placement ------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"EC2", "ECS"})
  void identityDocument_namesTheRegionAccountAndInstance(String platform) {
    String account = f.buyer();
    JsonNode task = platform.equals("EC2") ? ec2(account) : ecsWithoutRegion(account);

    JsonNode doc =
        PlatformFixtures.parse(readOk(task, "/latest/dynamic/instance-identity/document"));

    assertThat(doc.get("region").asText()).isEqualTo(REGION);
    assertThat(doc.get("accountId").asText()).isEqualTo(account);
    assertThat(doc.get("instanceId").asText()).matches("i-[0-9a-f]{8,17}");
    assertThat(doc.get("availabilityZone").asText()).startsWith(REGION);
  }

  @Test
  void identityDocument_ofAnEc2Instance_namesTheInstanceItself() {
    JsonNode task = ec2(f.buyer());

    JsonNode doc =
        PlatformFixtures.parse(readOk(task, "/latest/dynamic/instance-identity/document"));

    assertThat(doc.get("instanceId").asText()).isEqualTo(task.get("taskId").asText());
    assertThat(readOk(task, "/latest/meta-data/instance-id"))
        .isEqualTo(task.get("taskId").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"EC2", "ECS"})
  void placement_givesTheRegionAndAZoneInIt(String platform) {
    JsonNode task = platform.equals("EC2") ? ec2(f.buyer()) : ecsWithoutRegion(f.buyer());

    assertThat(readOk(task, "/latest/meta-data/placement/region")).isEqualTo(REGION);
    String zone = readOk(task, "/latest/meta-data/placement/availability-zone");
    assertThat(zone).matches(REGION + "[a-z]");
  }

  // ---- instance profile credentials ----------------------------------------------------------

  private static AwsSessionCredentials instanceCredentials(JsonNode task) {
    String role = readOk(task, CREDENTIALS).strip();
    assertThat(role).isNotBlank().doesNotContain("\n").doesNotContain("/");
    JsonNode doc = PlatformFixtures.parse(readOk(task, CREDENTIALS + role));
    assertThat(doc.get("Code").asText()).isEqualTo("Success");
    assertThat(doc.get("AccessKeyId").asText()).startsWith("ASIA");
    assertThat(doc.get("SecretAccessKey").asText()).isNotBlank();
    assertThat(doc.get("Token").asText()).isNotBlank();
    assertThat(Instant.parse(doc.get("Expiration").asText()))
        .isCloseTo(Instant.now().plus(Duration.ofHours(6)), within(1, ChronoUnit.MINUTES));
    return PlatformFixtures.sessionCredentials(doc);
  }

  @Test
  void instanceProfile_credentials_meterUsageForASubscribedBuyer() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode task = ec2(s.buyer());
    MarketplaceMeteringClient client = f.client(instanceCredentials(task), REGION);

    String recordId = meterUsage(client, s.productCode(), f.now(), 7).meteringRecordId();

    assertThat(recordId).isNotBlank();
    JsonNode row = f.usage(s.productCode()).get(0);
    assertThat(row.get("quantity").asLong()).isEqualTo(7);
    assertThat(row.get("taskId").asText()).isEqualTo(task.get("taskId").asText());
  }

  @Test
  void instanceProfile_credentials_areRefusedByRegisterUsage() {
    PlatformFixtures.Subscribed s = f.subscribed("HOURLY");
    MarketplaceMeteringClient client = f.client(instanceCredentials(ec2(s.buyer())), REGION);

    PlatformNotSupportedException e =
        catchThrowableOfType(
            () -> registerUsage(client, s.productCode()), PlatformNotSupportedException.class);

    assertThat(e).as("RegisterUsage with EC2 instance credentials").isNotNull();
    assertThat(e.statusCode()).isEqualTo(400);
  }

  @Test
  void instanceProfile_credentialsOfAStoppedInstance_doNotMeter() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode task = ec2(s.buyer());
    MarketplaceMeteringClient client = f.client(instanceCredentials(task), REGION);
    f.admin().stopTask(task.get("taskId").asText());

    Throwable e = catchThrowable(() -> meterUsage(client, s.productCode(), f.now(), 1));

    assertThat(e).isInstanceOf(MarketplaceMeteringException.class);
    assertThat(((MarketplaceMeteringException) e).awsErrorDetails().errorCode())
        .isEqualTo("UnrecognizedClientException");
    assertThat(f.usage(s.productCode())).isEmpty();
  }

  @Test
  void instanceProfile_throughTheSdkProvider_meterUsage() {
    PlatformFixtures.Subscribed s = f.subscribed("CUSTOM");
    JsonNode task = ec2(s.buyer());
    InstanceProfileCredentialsProvider provider =
        f.track(InstanceProfileCredentialsProvider.builder().endpoint(imds(task)).build());

    AwsCredentials credentials = provider.resolveCredentials();
    String recordId =
        meterUsage(f.client(credentials, REGION), s.productCode(), f.now(), 2).meteringRecordId();

    assertThat(credentials.accessKeyId()).startsWith("ASIA");
    assertThat(recordId).isNotBlank();
  }

  @Test
  void ecsHost_givesNoCredentials() {
    JsonNode task = ecsWithoutRegion(f.buyer());

    assertThat(read(task, CREDENTIALS).status()).isEqualTo(404);
    assertThat(read(task, CREDENTIALS + "meterline-instance-role").status()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FARGATE", "EKS", "EKS_POD_IDENTITY"})
  void imds_ofPlatformsWithoutAnInstance_is404(String platform) {
    JsonNode ec2 = ec2(f.buyer());
    JsonNode other = f.task(f.buyer(), REGION, platform);
    String uri = imds(ec2).replace(ec2.get("taskId").asText(), other.get("taskId").asText());

    assertThat(f.put(uri + "/latest/api/token", Map.of(TTL, "60")).status()).isEqualTo(404);
  }

  // ---- the SDK's own region lookup -----------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"EC2, ap-southeast-2", "ECS, sa-east-1", "EC2, eu-north-1"})
  void sdkRegionLookup_throughTheTasksImds_findsTheTasksRegion(String platform, String region) {
    Map<String, Object> body = taskBody(f.buyer(), region, platform);
    body.put("regionEnv", false);
    JsonNode task = f.task(body);
    System.setProperty("aws.ec2MetadataServiceEndpoint", imds(task));

    assertThat(EC2MetadataUtils.getEC2InstanceRegion()).isEqualTo(region);
  }
}
