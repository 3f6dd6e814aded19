package dev.clavier.benchmarks;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture rules of every main module, as Spring Boot's own build checks its modules
 * ({@code ArchitectureCheck}): packages free of cycles, every package with a
 * {@code package-info} marked {@code @NullMarked}, and no case conversion without a
 * {@link Locale}. Runs here, in the last module of the build, over the main classes of every
 * module; a module whose classes are missing fails the test rather than being skipped.
 */
class ArchitectureTests {

	/** The modules with main code; the starter is a pom only. */
	private static final List<String> MODULES = List.of("clavier-test", "clavier-core", "clavier-grpc",
			"clavier-spring-boot-autoconfigure", "clavier-sample-app", "clavier-benchmarks");

	private static JavaClasses classes;

	@BeforeAll
	static void importMainClasses() throws URISyntaxException {
		// <module>/<target>/test-classes: the sibling modules' classes are in <module>/<target>/classes.
		Path testClasses = Path.of(ArchitectureTests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path target = testClasses.getParent();
		Path root = target.getParent().getParent();
		List<Path> paths = new ArrayList<>();
		for (String module : MODULES) {
			Path path = root.resolve(module).resolve(target.getFileName()).resolve("classes");
			assertThat(path).as("main classes of %s (build the whole project first: ./mvnw verify)", module)
				.isDirectory();
			paths.add(path);
		}
		// Generated classes are not ours to shape: JMH's benchmarks, and the sample's Spring AOT
		// code (Type__BeanDefinitions and the like, $$SpringCGLIB$$ proxies), which process-aot
		// writes beside its main classes.
		classes = new ClassFileImporter()
			.withImportOption((location) -> !location.contains("/jmh_generated/") && !location.contains("__")
					&& !location.contains("$$SpringCGLIB$$"))
			.importPaths(paths);
		assertThat(classes.contain("dev.clavier.Clavier")).isTrue();
	}

	@Test
	void packagesShouldBeFreeOfCycles() {
		ArchRule rule = SlicesRuleDefinition.slices().matching("(**)").should().beFreeOfCycles();
		rule.check(classes);
	}

	@Test
	void everyPackageShouldHaveNullMarkedPackageInfo() {
		Set<String> wrong = new TreeSet<>();
		for (JavaClass javaClass : classes) {
			if (javaClass.getSimpleName().equals("package-info") || !javaClass.getPackageName().startsWith("dev.clavier")) {
				continue;
			}
			JavaPackage javaPackage = javaClass.getPackage();
			boolean marked = javaPackage.tryGetPackageInfo()
				.map((info) -> info.isAnnotatedWith(NullMarked.class))
				.orElse(false);
			if (!marked) {
				wrong.add(javaPackage.getName());
			}
		}
		assertThat(wrong).as("packages without a package-info annotated @NullMarked").isEmpty();
	}

	@Test
	void caseConversionShouldNameLocale() {
		DescribedPredicate<JavaMethodCall> withoutLocale = DescribedPredicate.describe(
				"String.toLowerCase() or String.toUpperCase() without a Locale",
				(call) -> call.getTargetOwner().isEquivalentTo(String.class)
						&& (call.getName().equals("toLowerCase") || call.getName().equals("toUpperCase"))
						&& call.getTarget().getRawParameterTypes().isEmpty());
		ArchRule rule = noClasses().should().callMethodWhere(withoutLocale);
		rule.check(classes);
	}

	@Test
	void importShouldFindEveryModule() {
		for (String module : MODULES) {
			assertThat(classes.stream().anyMatch((javaClass) -> javaClass.getSource()
				.map((source) -> source.getUri().toString().contains("/" + module + "/"))
				.orElse(false))).as("classes of %s", module).isTrue();
		}
	}

}
