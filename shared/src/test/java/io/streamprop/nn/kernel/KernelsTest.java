package io.streamprop.nn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The build runs the engine's tests on both kernel paths: the vector kernels from the first call
 * (surefire passes {@code --add-modules jdk.incubator.vector} and {@code
 * -Dstreamprop.engine.kernels=vector}), and the scalar loops ({@code =scalar}, the shared module's
 * {@code scalar-kernels} execution). If either setting were lost, the kernel tests would test one
 * path twice without a word; this test notices. The default (no property) is checked in a JVM of
 * its own, since the choice is made once per JVM.
 */
class KernelsTest {

  @Test
  void kernels_followTheBuildsSettings() {
    String forced = System.getProperty("streamprop.engine.kernels");

    assertThat(ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE))
        .as("the build's test JVMs start with --add-modules %s", Kernels.VECTOR_MODULE)
        .isPresent();
    assertThat(forced).as("surefire sets the kernels").isIn("vector", "scalar");
    assertThat(Kernels.vector()).isEqualTo(forced.equals("vector"));
    assertThat(Kernels.vectorAvailable()).isEqualTo(forced.equals("vector"));
    assertThat(Kernels.description()).startsWith(forced);
  }

  @Test
  void fusedInference_whereTheVectorKernelsRunOnAProcessorWithFma() throws IOException {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    Assumptions.assumeTrue(Files.isReadable(cpuinfo), "no /proc/cpuinfo to read the flags from");
    boolean fma =
        Files.readAllLines(cpuinfo).stream()
            .anyMatch(line -> line.startsWith("flags") && line.matches(".*\\bfma\\b.*"));

    assertThat(Kernels.fusedInference()).isEqualTo(fma && Kernels.vectorAvailable());
    assertThat(Kernels.description().contains("fused multiply-add"))
        .isEqualTo(Kernels.fusedInference());
  }

  @Test
  void defaultJvm_scalarUntilWarmedUp_thenVector() throws Exception {
    List<String> lines = runProbe(true);

    assertThat(lines).hasSize(2);
    // The first call of a fresh JVM finds the warm-up running (it takes about a second) ...
    assertThat(lines.get(0)).startsWith("vector? false: vector (").endsWith("warming up)");
    // ... and the switch comes by itself.
    assertThat(lines.get(1))
        .matches("vector\\? true: vector \\(\\d+ floats(, fused multiply-add at inference)?\\)");
  }

  @Test
  void jvmWithoutTheModule_scalarWithTheReason() throws Exception {
    List<String> lines = runProbe(false);

    assertThat(lines)
        .containsExactly(
            "vector? false: scalar (start the JVM with --add-modules jdk.incubator.vector for the"
                + " vector kernels)");
  }

  /** Runs {@link KernelsProbe} in a new JVM with this test's class path, without the property. */
  private static List<String> runProbe(boolean withModule)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        withModule
            ? List.of(
                java,
                "--add-modules=" + Kernels.VECTOR_MODULE,
                "-cp",
                System.getProperty("java.class.path"),
                KernelsProbe.class.getName())
            : List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                KernelsProbe.class.getName(),
                "once");
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the probe JVM ends").isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("probe exit, output: %s", out).isZero();
    return out.lines().toList();
  }
}
