package io.meterline.server.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.auth.EndpointKey;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint key and its proof (SPEC §4 "a buyer cannot redirect it"): the server signs a
 * challenge with the seller's key, or with one derived from its master key, stable across restarts;
 * the signature verifies with the public half the admin API shows; bad requests and bad key files
 * are refused with what is wrong.
 */
class EndpointProofTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CHALLENGE = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  @TempDir Path dir;

  @Test
  void derivedKey_isTheSameForTheSameMasterKey_andDiffersForAnother() {
    byte[] master = new byte[32];
    Arrays.fill(master, (byte) 7);
    byte[] other = master.clone();
    other[0] = 8;

    String id = EndpointKey.derived(MasterKey.of(master)).keyId();

    assertThat(EndpointKey.derived(MasterKey.of(master)).keyId()).isEqualTo(id);
    assertThat(EndpointKey.derived(MasterKey.of(other)).keyId()).isNotEqualTo(id);
  }

  @Test
  void generatedKeyFile_loadsToTheSameKey_whoseProofsVerifyWithItsPublicHalf() throws Exception {
    Path file = dir.resolve("endpoint.pem");
    Files.writeString(file, EndpointKey.generatePem());

    EndpointKey key = EndpointKey.load(file);
    byte[] proof = key.prove("http://127.0.0.1:6387", CHALLENGE);

    assertThat(EndpointKey.load(file).keyId()).isEqualTo(key.keyId());
    assertThat(key.source()).isEqualTo(file.toString());
    assertThat(verifies(key.publicKeyPem(), "http://127.0.0.1:6387", CHALLENGE, proof)).isTrue();
    assertThat(verifies(key.publicKeyPem(), "http://127.0.0.1:6388", CHALLENGE, proof)).isFalse();
  }

  @Test
  void keyFileThatIsNotAnEd25519PrivateKey_isRefused_namingTheFileAndTheFix() throws Exception {
    Path file = dir.resolve("not-a-key.pem");
    Files.writeString(file, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

    assertThatThrownBy(() -> EndpointKey.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("meterline endpoint-key --generate");
  }

  @Test
  void server_provesWithTheKeyTheAdminApiShows_andTheSellersKeyWhenGiven() throws Exception {
    Path file = dir.resolve("seller.pem");
    Files.writeString(file, EndpointKey.generatePem());
    String derivedId;
    try (TestServer server = TestServer.start()) {
      derivedId = checkProof(server, "derived");
    }
    try (TestServer server = TestServer.start(b -> b.endpointKeyFile(file), Clock.systemUTC())) {
      String sellersId = checkProof(server, file.toString());
      assertThat(sellersId).isEqualTo(EndpointKey.load(file).keyId()).isNotEqualTo(derivedId);
    }
  }

  @Test
  void badProofRequests_areRefusedWithWhatIsWrong() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> get =
          HTTP.send(
              HttpRequest.newBuilder(server.endpoint().resolve(EndpointProof.PATH)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(405);

      HttpResponse<String> noChallenge = post(server, "{\"endpoint\":\"http://x\"}");
      assertThat(noChallenge.statusCode()).isEqualTo(400);
      assertThat(noChallenge.body()).contains("challenge");

      HttpResponse<String> noEndpoint = post(server, "{\"challenge\":\"" + CHALLENGE + "\"}");
      assertThat(noEndpoint.statusCode()).isEqualTo(400);
      assertThat(noEndpoint.body()).contains("endpoint");

      HttpResponse<String> elsewhere =
          HTTP.send(
              HttpRequest.newBuilder(server.endpoint().resolve("/meterline/v1/other"))
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(elsewhere.statusCode()).isEqualTo(404);
    }
  }

  /** Asks for a proof and checks it against the admin API's public key; returns the key id. */
  private static String checkProof(TestServer server, String source) throws Exception {
    JsonNode shown = server.admin().get("/endpoint-key");
    assertThat(shown.get("source").asText()).isEqualTo(source);
    String endpoint = server.endpoint().toString();

    HttpResponse<String> r =
        post(server, "{\"challenge\":\"" + CHALLENGE + "\",\"endpoint\":\"" + endpoint + "\"}");

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode proof = JSON.readTree(r.body());
    assertThat(proof.get("algorithm").asText()).isEqualTo("Ed25519");
    assertThat(proof.get("keyId").asText()).isEqualTo(shown.get("keyId").asText());
    byte[] signature = Base64.getUrlDecoder().decode(proof.get("signature").asText());
    assertThat(verifies(shown.get("publicKeyPem").asText(), endpoint, CHALLENGE, signature))
        .isTrue();
    return proof.get("keyId").asText();
  }

  private static HttpResponse<String> post(TestServer server, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(server.endpoint().resolve(EndpointProof.PATH))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean verifies(String pem, String endpoint, String challenge, byte[] signature)
      throws Exception {
    String base64 =
        pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "");
    PublicKey key =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update((EndpointKey.CONTEXT + endpoint + "\n" + challenge).getBytes(StandardCharsets.UTF_8));
    return s.verify(signature);
  }
}
