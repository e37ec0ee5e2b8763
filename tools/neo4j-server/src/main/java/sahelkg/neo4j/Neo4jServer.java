package sahelkg.neo4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs Neo4j Community in this JVM with Bolt on 127.0.0.1, auth on, and bounded, read-safe
 * settings. Started and stopped by scripts/neo4j; see README.md beside the pom.
 *
 * <p>Arguments: {@code --data DIR --port P --plugins DIR}. Port 0 takes a free port. Tunables come
 * from environment variables (never the command line, so they do not show in ps): see {@link
 * #settings}. The password lives in DIR/password (0600), made once per data directory.
 */
public final class Neo4jServer {
  static final String USER = "neo4j";
  static final String DATABASE = "neo4j";
  static final long STARTUP_STATEMENT_TIMEOUT_MINUTES = 5;

  /**
   * Procedures and functions that are loaded from APOC. File, network and background-job
   * namespaces (load, import, export, periodic, cypher, trigger, spatial geocoding, log) stay out:
   * a read-only query must not reach the file system, another host or a job outside its
   * transaction. Write procedures such as apoc.create.* stay in: the server refuses them in a READ
   * session, which is what the project's tests check. apoc.lock.read.nodes is the service's read
   * gate (graph/store/neo4j_server.py); the write locks stay out.
   */
  static final String DEFAULT_ALLOWLIST =
      String.join(
          ",",
          "apoc.help",
          "apoc.version",
          "apoc.agg.*",
          "apoc.any.*",
          "apoc.atomic.*",
          "apoc.coll.*",
          "apoc.convert.*",
          "apoc.create.*",
          "apoc.date.*",
          "apoc.hashing.*",
          "apoc.label.*",
          "apoc.lock.read.nodes",
          "apoc.map.*",
          "apoc.math.*",
          "apoc.merge.*",
          "apoc.meta.*",
          "apoc.neighbors.*",
          "apoc.node.*",
          "apoc.nodes.*",
          "apoc.number.*",
          "apoc.path.*",
          "apoc.refactor.*",
          "apoc.rel.*",
          "apoc.schema.*",
          "apoc.scoring.*",
          "apoc.stats.*",
          "apoc.temporal.*",
          "apoc.text.*",
          "apoc.util.*");

  private Neo4jServer() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parseArgs(args);
    Path data = Path.of(require(opts, "--data")).toAbsolutePath();
    int port = Integer.parseInt(opts.getOrDefault("--port", "7688"));
    Path plugins = Path.of(require(opts, "--plugins")).toAbsolutePath();

    Files.createDirectories(data);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    Path ready = data.resolve("ready");
    Files.deleteIfExists(ready);
    writeApocConf(data);
    String password = readOrCreatePassword(data.resolve("password"));

    long t0 = System.nanoTime();
    applyPasswordIfChanged(data, plugins, password);

    DatabaseManagementServiceBuilder builder = settings(data, plugins);
    builder.setConfig(BoltConnector.enabled, true);
    builder.setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port));
    builder.setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port));
    DatabaseManagementService dms = builder.build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(ready);
                  } catch (IOException e) {
                    System.err.println("could not remove " + ready + ": " + e);
                  }
                  dms.shutdown();
                  System.err.println("sahelkg-neo4j: stopped");
                  stopped.countDown();
                },
                "sahelkg-neo4j-shutdown"));

    GraphDatabaseService db = dms.database(DATABASE);
    if (!db.isAvailable(TimeUnit.MINUTES.toMillis(3))) {
      throw new IllegalStateException("database " + DATABASE + " did not become available");
    }
    // Prove the engine answers before anyone is told it is ready.
    Object one = scalar(db, "RETURN 1 AS one", Map.of());
    if (!Long.valueOf(1).equals(one)) {
      throw new IllegalStateException("RETURN 1 answered " + one);
    }
    String version =
        String.valueOf(scalar(db, "CALL dbms.components() YIELD versions RETURN versions[0] AS v", Map.of()));
    int boundPort =
        ((GraphDatabaseAPI) db)
            .getDependencyResolver()
            .resolveDependency(ConnectorPortRegister.class)
            .getLocalAddress(ConnectorType.BOLT)
            .getPort();
    boltHandshake(boundPort);

    // Written last and atomically: scripts/neo4j waits for this file.
    Path tmp = data.resolve("ready.tmp");
    Files.writeString(
        tmp,
        "port=" + boundPort + "\nversion=" + version + "\npid=" + ProcessHandle.current().pid() + "\n");
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.out.printf(
        Locale.ROOT,
        "sahelkg-neo4j ready bolt://127.0.0.1:%d Neo4j %s in %.1f s%n",
        boundPort,
        version,
        (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    stopped.await();
  }

  /** Common settings of both boots (the password boot and the serving boot). */
  static DatabaseManagementServiceBuilder settings(Path data, Path plugins) {
    DatabaseManagementServiceBuilder b = new DatabaseManagementServiceBuilder(data);
    b.setConfig(GraphDatabaseSettings.auth_enabled, true);
    b.setConfig(GraphDatabaseSettings.plugin_dir, plugins);
    b.setConfig(GraphDatabaseSettings.procedure_allowlist, csv(env("SAHELKG_NEO4J_PROCEDURES", DEFAULT_ALLOWLIST)));
    b.setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of());
    b.setConfig(GraphDatabaseSettings.allow_file_urls, false);
    b.setConfig(
        GraphDatabaseSettings.transaction_timeout,
        parseDuration(env("SAHELKG_NEO4J_TX_TIMEOUT", "30s")));
    b.setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(env("SAHELKG_NEO4J_PAGECACHE", "256m")));
    b.setConfig(
        GraphDatabaseSettings.memory_transaction_max_size,
        parseBytes(env("SAHELKG_NEO4J_TX_MEMORY", "256m")));
    b.setConfig(
        GraphDatabaseSettings.memory_transaction_global_max_size,
        parseBytes(env("SAHELKG_NEO4J_TX_MEMORY_TOTAL", "512m")));
    return b;
  }

  /**
   * Sets the neo4j user's password from the data directory's password file when it is new or
   * changed. This boot has Bolt off, so no client ever meets the factory password.
   */
  static void applyPasswordIfChanged(Path data, Path plugins, String password) throws IOException {
    Path marker = data.resolve("password.applied");
    String digest = sha256(password);
    if (Files.exists(marker) && Files.readString(marker).strip().equals(digest)) {
      return;
    }
    DatabaseManagementServiceBuilder builder = settings(data, plugins);
    builder.setConfig(BoltConnector.enabled, false);
    DatabaseManagementService dms = builder.build();
    try {
      GraphDatabaseService system = dms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
      try {
        scalar(system, "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
      } catch (RuntimeException e) {
        // Re-applying the same password is refused; that is the state we want.
        if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
          throw e;
        }
      }
    } finally {
      dms.shutdown();
    }
    Files.writeString(marker, digest + "\n");
  }

  /**
   * Runs one statement in its own transaction and returns the first column of its first row (or
   * null). The explicit timeout frees these start-up statements from db.transaction.timeout, which
   * may be set to a few seconds for tests while a cold JVM on a busy machine needs longer.
   */
  static Object scalar(GraphDatabaseService db, String cypher, Map<String, Object> params) {
    try (Transaction tx = db.beginTx(STARTUP_STATEMENT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        Result r = tx.execute(cypher, params)) {
      Object value = null;
      if (r.hasNext()) {
        value = r.next().values().iterator().next();
      }
      r.close();
      tx.commit();
      return value;
    }
  }

  /** APOC reads apoc.conf from NEO4J_CONF; pin its file access off explicitly. */
  static void writeApocConf(Path data) throws IOException {
    Path conf = data.resolve("conf");
    Files.createDirectories(conf);
    Files.writeString(
        conf.resolve("apoc.conf"),
        String.join(
            "\n",
            "apoc.import.file.enabled=false",
            "apoc.import.file.use_neo4j_config=true",
            "apoc.import.file.allow_read_from_filesystem=false",
            "apoc.export.file.enabled=false",
            "apoc.trigger.enabled=false",
            ""));
    System.setProperty("NEO4J_CONF", conf.toString());
  }

  static String readOrCreatePassword(Path file) throws IOException {
    if (Files.exists(file)) {
      String pw = Files.readString(file).strip();
      if (pw.length() >= 16) {
        return pw;
      }
      throw new IllegalStateException(file + ": password shorter than 16 characters");
    }
    byte[] raw = new byte[24];
    new SecureRandom().nextBytes(raw);
    String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    // Created 0600 in one step, so the secret is never readable by others.
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, pw + "\n");
    return pw;
  }

  /** Speaks the first four bytes of Bolt to the bound port: proves the socket is a Bolt server. */
  static void boltHandshake(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {0x60, 0x60, (byte) 0xB0, 0x17});
      // Proposals: 5.4 down to 5.0, then 4.4; two empty slots.
      out.write(new byte[] {0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0});
      out.flush();
      InputStream in = s.getInputStream();
      byte[] answer = in.readNBytes(4);
      if (answer.length != 4 || (answer[2] == 0 && answer[3] == 0)) {
        throw new IllegalStateException("no Bolt version agreed on port " + port);
      }
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Duration parseDuration(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    if (v.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    return Duration.ofSeconds(Long.parseLong(v));
  }

  static long parseBytes(String s) {
    String v = s.strip().toLowerCase(Locale.ROOT);
    long mult = 1;
    char last = v.charAt(v.length() - 1);
    if (last == 'k' || last == 'm' || last == 'g') {
      mult = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      v = v.substring(0, v.length() - 1);
    }
    return Long.parseLong(v) * mult;
  }

  static List<String> csv(String s) {
    return List.of(s.split("\\s*,\\s*"));
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  static Map<String, String> parseArgs(String[] args) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + args[i]);
      }
      m.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("missing value after " + args[args.length - 1]);
    }
    return m;
  }

  static String require(Map<String, String> opts, String key) {
    String v = opts.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return v;
  }
}
