package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The trust file a product ships: the contract-priced entries ({@code "entitlement": "license"})
 * beside the metered ones, files written before them still read, and every mistake named by its
 * member.
 */
class TrustFileTest {
  private static final String LICENSED =
      """
      {"products": [{"productCode": "contract-code", "entitlement": "license",
                     "productId": "2205b290-19e6-4c76-9eea-377d6bf71a47",
                     "counted": {"Seats": 1},
                     "tiers": {"Basic": ["widgets"], "Pro": ["widgets", "render"]}}]}
      """;

  @Test
  void aLicenseEntry_isReadWithItsProductIdSeatsAndTiers() {
    TrustFile file = TrustFile.parse(LICENSED);

    assertThat(file.products()).isEmpty();
    assertThat(file.licenses()).containsOnlyKeys("contract-code");
    TrustedLicense license = file.licenses().get("contract-code");
    assertThat(license.productId()).isEqualTo("2205b290-19e6-4c76-9eea-377d6bf71a47");
    assertThat(license.counted()).isEqualTo(Map.of("Seats", 1L));
    assertThat(license.tiers())
        .isEqualTo(Map.of("Basic", Set.of("widgets"), "Pro", Set.of("widgets", "render")));
    assertThat(license)
        .isEqualTo(
            TrustedLicense.of("contract-code", "2205b290-19e6-4c76-9eea-377d6bf71a47")
                .counting("Seats", 1)
                .tier("Pro", "render", "widgets")
                .tier("Basic", "widgets"));
  }

  @Test
  void aFileWithoutLicenses_readsAsBefore() {
    String pem = Jws.pem(Jws.rsaKeyPair().getPublic()).replace("\n", "\\n");
    TrustFile file =
        TrustFile.parse(
            "{\"products\": [{\"productCode\": \"metered-code\", \"publicKeys\": {\"1\": \""
                + pem
                + "\"}}]}");

    assertThat(file.licenses()).isEmpty();
    assertThat(file.products()).containsOnlyKeys("metered-code");
    assertThat(file.meterUsageChecked()).containsExactly("metered-code");
  }

  @Test
  void aLicensedCode_isNotCheckedWithMetering_andAnUnknownOneIsRefusedAtCheckout() {
    TrustFile file = TrustFile.parse(LICENSED);

    assertThatThrownBy(() -> file.check("contract-code", "Requests"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use license(productCode)");
    EntitlementException e =
        catchThrowableOfType(EntitlementException.class, () -> file.license("other").checkout());
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_PRODUCT_CODE);
  }

  @Test
  void mistakes_nameTheMember() {
    assertThatThrownBy(() -> TrustFile.parse(entry("\"counted\": {\"Seats\": 1}")))
        .hasMessageContaining("products[0].productId");
    assertThatThrownBy(() -> TrustFile.parse(entry("\"productId\": \"p\"")))
        .hasMessageContaining("neither");
    assertThatThrownBy(
            () -> TrustFile.parse(entry("\"productId\": \"p\", \"counted\": {\"Seats\": 0}")))
        .hasMessageContaining("products[0].counted.Seats");
    assertThatThrownBy(
            () -> TrustFile.parse(entry("\"productId\": \"p\", \"tiers\": {\"Pro\": \"render\"}")))
        .hasMessageContaining("products[0].tiers.Pro");
    assertThatThrownBy(
            () ->
                TrustFile.parse(entry("\"productId\": \"p\", \"tier\": \"FREE\", \"counted\": {}")))
        .hasMessageContaining("products[0].tier");
  }

  /** Whatever a license entry holds, reading it succeeds or names what is wrong. */
  @Property(tries = 300)
  void anyLicenseEntry_isReadOrRefusedWithIllegalArgument(
      @ForAll("members") String counted, @ForAll("members") String tiers) {
    String json = entry("\"productId\": \"p\", \"counted\": " + counted + ", \"tiers\": " + tiers);
    try {
      TrustFile file = TrustFile.parse(json);
      assertThat(file.licenses()).containsKey("c");
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> members() {
    Arbitrary<String> value =
        Arbitraries.of(
            "1",
            "0",
            "-3",
            "2.5",
            "1e3",
            "99999999999999999999",
            "\"1\"",
            "null",
            "true",
            "[]",
            "{}",
            "[\"a\"]",
            "[\"\"]",
            "[1]",
            "[\"a\", \"b\"]");
    Arbitrary<String> name = Arbitraries.of("Seats", "", " ", "Pro", "a\\u0000b");
    return Arbitraries.oneOf(
        value, name.flatMap(n -> value.list().ofMaxSize(3).map(vs -> object(n, vs))));
  }

  private static String object(String name, java.util.List<String> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ", ").append('"').append(name).append(i).append("\": ");
      out.append(values.get(i));
    }
    return out.append('}').toString();
  }

  private static String entry(String members) {
    return "{\"products\": [{\"productCode\": \"c\", \"entitlement\": \"license\", "
        + members
        + "}]}";
  }
}
