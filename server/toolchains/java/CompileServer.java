// The warm Java compiler: one long-lived JVM that compiles learner sources with javax.tools, so a
// submission pays for javac's work and not for a JVM start plus javac's class loading and JIT
// warm-up (see bench/java-compile.ts for the figures). It runs inside the sandbox (no host files
// but the JDK and the client jars, no network, rlimits) and never runs learner code: annotation
// processing is off and nothing is loaded from the classes it writes, which stay in memory.
//
// Protocol, over stdin/stdout, one request at a time:
//   request:  "COMPILE <file name> <byte count>\n" followed by that many bytes of UTF-8 source
//   reply:    "D <line> <column> <base64 message>\n"  per error (1-based; 0 when unknown)
//             "C <base64 binary class name> <base64 class bytes>\n"  per class, only on success
//             "E <0 | 1>\n"  (1 = compiled)
// It prints "READY\n" once it has compiled a warm-up program.
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

public final class CompileServer {
  private static final int MAX_SOURCE_BYTES = 1 << 20;
  private static final int MAX_ERRORS = 50;
  private static final String WARM_UP = "import org.apache.kafka.clients.producer.*; import java.util.*;\n"
      + "public class Main { public static void main(String[] a) { Properties p = new Properties();"
      + " p.put(\"bootstrap.servers\", \"x\"); try (var k = new KafkaProducer<String, String>(p)) {"
      + " k.send(new ProducerRecord<>(\"t\", \"k\", \"v\")); } } }\n";

  /** A source held in memory. */
  private static final class Source extends SimpleJavaFileObject {
    final String text;

    Source(String name, String text) {
      super(URI.create("string:///" + name), Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  /** A class file written to memory. */
  private static final class Output extends SimpleJavaFileObject {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Output(String binaryName) {
      super(URI.create("mem:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
    }

    @Override
    public OutputStream openOutputStream() {
      return bytes;
    }
  }

  private static final class Memory extends ForwardingJavaFileManager<StandardJavaFileManager> {
    final Map<String, Output> classes = new LinkedHashMap<>();

    Memory(StandardJavaFileManager std) {
      super(std);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
      Output out = new Output(className);
      classes.put(className, out);
      return out;
    }
  }

  private final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
  // Kept for the life of the process: it caches the opened jars, the bulk of a cold compile.
  private final StandardJavaFileManager std = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
  private final List<String> options;

  private CompileServer(String classpath) {
    options = List.of("-proc:none", "--release", "17", "-encoding", "UTF-8", "-g", "-implicit:none",
        "-Xlint:none", "-nowarn", "-Xmaxerrs", String.valueOf(MAX_ERRORS), "-classpath", classpath, "-sourcepath", "");
  }

  /** 1-based column of a character offset, counted in UTF-16 units without expanding tabs (what an editor shows). */
  private static long column(String text, long pos) {
    if (pos < 0 || pos > text.length()) return 0;
    int lineStart = text.lastIndexOf('\n', (int) pos - 1) + 1;
    return pos - lineStart + 1;
  }

  private void compile(String fileName, String text, PrintStream out) {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Memory files = new Memory(std);
    boolean ok;
    try {
      ok = compiler.getTask(null, files, diagnostics, options, null, List.of(new Source(fileName, text))).call();
    } catch (RuntimeException | StackOverflowError e) {
      // javac itself failed on this input (e.g. absurdly deep nesting): report it as one error.
      out.print("D 0 0 " + b64("the compiler failed on this program: " + e) + "\n");
      out.print("E 0\n");
      out.flush();
      return;
    }
    Base64.Encoder enc = Base64.getEncoder();
    int errors = 0;
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR || errors++ >= MAX_ERRORS) continue;
      long line = Math.max(d.getLineNumber(), 0);
      long col = column(text, d.getPosition());
      out.print("D " + line + " " + col + " " + b64(d.getMessage(Locale.ROOT)) + "\n");
    }
    if (ok) {
      for (Map.Entry<String, Output> e : files.classes.entrySet()) {
        out.print("C " + b64(e.getKey()) + " " + enc.encodeToString(e.getValue().bytes.toByteArray()) + "\n");
      }
    }
    out.print("E " + (ok ? 1 : 0) + "\n");
    out.flush();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) return sb.length() == 0 ? null : sb.toString();
      if (sb.length() > 4096) throw new IOException("request header too long");
      sb.append((char) c);
    }
    return sb.toString();
  }

  public static void main(String[] args) throws IOException {
    CompileServer server = new CompileServer(args[0]);
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
    server.compile("Main.java", WARM_UP, new PrintStream(OutputStream.nullOutputStream()));
    out.print("READY\n");
    out.flush();
    DataInputStream in = new DataInputStream(System.in);
    for (String header; (header = readLine(in)) != null; ) {
      String[] parts = header.split(" ");
      if (parts.length != 3 || !parts[0].equals("COMPILE") || !parts[1].matches("[A-Za-z_$][A-Za-z0-9_$]*\\.java")) {
        throw new IOException("bad request: " + header);
      }
      int size = Integer.parseInt(parts[2]);
      if (size < 0 || size > MAX_SOURCE_BYTES) throw new IOException("source too large: " + size);
      byte[] source = new byte[size];
      in.readFully(source);
      server.compile(parts[1], new String(source, StandardCharsets.UTF_8), out);
    }
  }
}
