package io.meterline.server;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's packages follow a request's path from the edge down (docs/architecture.md): each
 * package imports only packages below it in {@link #TOP_DOWN}, so there is no import loop and no
 * arrow from a lower package back up.
 */
class ArchitectureTest {
  private static final String ROOT = "io.meterline.server";

  /** The server's packages, from the top (the wiring) to the bottom (values and settings). */
  static final List<String> TOP_DOWN =
      List.of(
          "", // Meterline: builds the whole server
          "http", // the edge: connections, routing, the data plane's wire errors
          "admin", // the control plane
          "platform", // container credentials, task metadata, IMDS, STS
          "metering", // the four operations
          "entitlements", // GetEntitlements of the Marketplace Entitlement Service
          "licenses", // the License Manager subset a Marketplace container product uses
          "auth", // SigV4 callers, credentials, the master key
          "billing", // invoices and seller reports over the ledger
          "notify", // subscription notifications: the outbox and its deliveries
          "ledger", // what is written and why: tokens, admission, dedup, task time
          "store", // tables, group commit, caches
          "calls", // the call log
          "exchange", // a request, a reply, a handler: what every surface answers with
          "domain", // values
          "config"); // settings

  private static final JavaClasses SERVER =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages(ROOT);

  @Test
  void everyPackageOfTheServer_isInTheOrder() {
    List<String> packages =
        SERVER.stream()
            .map(c -> c.getPackageName())
            .distinct()
            .map(p -> p.equals(ROOT) ? "" : p.substring(ROOT.length() + 1))
            .toList();

    assertThat(TOP_DOWN).containsAll(packages);
  }

  @Test
  void packages_importOnlyThePackagesBelowThem() {
    layers(TOP_DOWN).check(SERVER);
  }

  @Test
  void packages_haveNoImportLoops() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(SERVER);
  }

  /** The rule that each layer is used only by the layers above it. */
  static LayeredArchitecture layers(List<String> topDown) {
    LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String name : topDown) {
      layers = layers.layer(label(name)).definedBy(name.isEmpty() ? ROOT : ROOT + "." + name);
    }
    layers = layers.whereLayer(label(topDown.get(0))).mayNotBeAccessedByAnyLayer();
    for (int i = 1; i < topDown.size(); i++) {
      String[] above =
          topDown.subList(0, i).stream().map(ArchitectureTest::label).toArray(String[]::new);
      layers = layers.whereLayer(label(topDown.get(i))).mayOnlyBeAccessedByLayers(above);
    }
    return layers;
  }

  private static String label(String name) {
    return name.isEmpty() ? "wiring" : name;
  }
}
