package io.meterline.wire;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The protocol module's packages import one another in one direction: the error catalogue and the
 * operations at its root below everything, no import loops.
 */
class ArchitectureTest {
  private static final JavaClasses WIRE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.meterline.wire");

  @Test
  void packages_haveNoImportLoops() {
    slices().matching("io.meterline.wire.(*)..").should().beFreeOfCycles().check(WIRE);
  }

  @Test
  void rootPackage_importsNoneOfTheOthers() {
    noClasses()
        .that()
        .resideInAPackage("io.meterline.wire")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.meterline.wire.(*)..")
        .check(WIRE);
  }
}
