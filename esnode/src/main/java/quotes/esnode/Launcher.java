package quotes.esnode;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.http.HttpServerTransport;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.MockNode;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.transport.TransportService;
import org.elasticsearch.transport.netty4.Netty4Plugin;
import org.elasticsearch.xcontent.XContentBuilder;

/**
 * Runs one real Elasticsearch node (single-node discovery, Netty HTTP on 127.0.0.1) in this JVM.
 *
 * <p>The normal Elasticsearch bootstrap refuses to run as root and needs the full distribution; here the
 * node is built with {@link MockNode} from the test framework, which accepts plugin classes straight from
 * the classpath. No mock services are plugged in: transport, HTTP, indices, search and storage are the
 * real ones.
 *
 * <pre>
 * java -cp CLASSPATH quotes.esnode.Launcher --port 9200 --data-dir DIR [--setting key=value ...]
 * </pre>
 *
 * The process runs until it is killed; SIGTERM/SIGINT close the node through a shutdown hook.
 */
public final class Launcher {

    private static final String USAGE =
        "usage: quotes.esnode.Launcher --port PORT --data-dir DIR [--node-name NAME] [--setting key=value ...]";

    private Launcher() {}

    /** Parsed command line. */
    private record Options(int port, Path dataDir, String nodeName, Map<String, String> extra) {}

    public static void main(String[] args) {
        final Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("esnode: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Throwable t) {
            // One line that names the root failure (the Python side shows it), then the full trace.
            System.err.println("esnode: node failed to start: " + describe(t));
            t.printStackTrace(System.err);
            System.err.flush();
            // exit() runs the shutdown hook (if registered), which closes whatever was opened
            System.exit(1);
        }
    }

    private static void run(Options options) throws Exception {
        final Path home = options.dataDir().toAbsolutePath().normalize();
        for (String sub : List.of("config", "data", "logs", "plugins", "native")) {
            Files.createDirectories(home.resolve(sub));
        }
        // Both must be in place before the first Elasticsearch/Log4j class initialises.
        prepareNativeLibraries(home.resolve("native"));
        prepareLogging(home.resolve("config").resolve("log4j2.properties"));
        LogConfigurator.configureESLogging();

        final Settings settings = buildSettings(options, home);
        final List<Class<? extends Plugin>> plugins = new ArrayList<>();
        plugins.add(Netty4Plugin.class);
        plugins.add(RootInfoPlugin.class);
        final Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings,
            Map.of(),
            home.resolve("config"),
            options::nodeName
        );

        final Node node = newMockNode(environment, plugins);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeNode(node, stopped), "esnode-shutdown"));

        node.start();

        final String http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress().toString();
        final String transport = node.injector().getInstance(TransportService.class).boundAddress().publishAddress().toString();
        System.out.println(
            "esnode: started Elasticsearch "
                + Build.current().version()
                + " on Java "
                + Runtime.version()
                + " pid "
                + ProcessHandle.current().pid()
                + " http "
                + http
                + " transport "
                + transport
                + " home "
                + home
        );
        System.out.flush();

        // Keep the JVM alive (the node's own threads are daemons) until the shutdown hook has run.
        stopped.await();
    }

    /** The exception plus its innermost cause, e.g. "BindHttpException: Failed to bind ... (cause: BindException: Address already in use)". */
    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        final String top = t.toString().replace('\n', ' ');
        return root == t ? top : top + " (cause: " + root.toString().replace('\n', ' ') + ")";
    }

    private static void closeNode(Node node, CountDownLatch stopped) {
        try {
            System.out.println("esnode: stopping node");
            node.close();
            if (node.awaitClose(30, TimeUnit.SECONDS) == false) {
                System.err.println("esnode: node did not close within 30s");
            } else {
                System.out.println("esnode: node stopped");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("esnode: error while stopping node: " + e);
        } finally {
            System.out.flush();
            stopped.countDown();
        }
    }

    /**
     * Builds the node through MockNode's constructor that takes a ready {@link Environment}.
     *
     * <p>The public MockNode constructors fill in a default transport port range from ESTestCase, and
     * initialising ESTestCase turns the JVM into a "test JVM" (randomized-testing context checks, paranoid
     * Netty leak detection, ...). The Environment-taking constructor skips all of that, so it is called
     * here, by reflection because it is private. Its signature is pinned to the Elasticsearch version in
     * pom.xml; if it changes the launcher stops with a clear message.
     */
    private static Node newMockNode(Environment environment, Collection<Class<? extends Plugin>> plugins) throws Exception {
        final Constructor<MockNode> ctor;
        try {
            ctor = MockNode.class.getDeclaredConstructor(Environment.class, Collection.class, boolean.class, Closeable.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(
                "this Elasticsearch version has no MockNode(Environment, Collection, boolean, Closeable) constructor; "
                    + "adapt quotes.esnode.Launcher to it",
                e
            );
        }
        ctor.setAccessible(true);
        final Closeable noEntitledPaths = () -> {};
        try {
            return ctor.newInstance(environment, plugins, true, noEntitledPaths);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Elasticsearch loads native helpers (zstd, its SIMD vector library) from es.nativelibs.path. The
     * distribution ships them; Maven Central does not. The zstd C API is the same as the system libzstd,
     * so link that in when the OS has it; anything missing only disables the native fast path.
     */
    private static void prepareNativeLibraries(Path nativeDir) throws IOException {
        final Path link = nativeDir.resolve(System.mapLibraryName("zstd"));
        if (Files.exists(link) == false) {
            Files.deleteIfExists(link); // dangling symlink
            for (String candidate : List.of(
                "/usr/lib/x86_64-linux-gnu/libzstd.so.1",
                "/usr/lib/aarch64-linux-gnu/libzstd.so.1",
                "/usr/lib64/libzstd.so.1",
                "/usr/lib/libzstd.so.1"
            )) {
                final Path lib = Path.of(candidate);
                if (Files.exists(lib)) {
                    Files.createSymbolicLink(link, lib);
                    break;
                }
            }
        }
        System.setProperty("es.nativelibs.path", nativeDir.toString());
        // ES's own SIMD library (libvec) is only in the distribution; without this switch its absence makes
        // Elasticsearch drop *all* native access (zstd, rlimits, ...). Lucene's Java vector code is used instead.
        if (System.getProperty("org.elasticsearch.nativeaccess.enableVectorLibrary") == null
            && Files.exists(nativeDir.resolve(System.mapLibraryName("vec"))) == false) {
            System.setProperty("org.elasticsearch.nativeaccess.enableVectorLibrary", "false");
        }
    }

    /** Console logging (the Python side redirects stdout/stderr to DIR/node.log). */
    private static void prepareLogging(Path configFile) throws IOException {
        final String config = String.join(
            "\n",
            "# written by quotes.esnode.Launcher on every start",
            "status = error",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n",
            "rootLogger.level = ${sys:quotes.esnode.log.level:-info}",
            "rootLogger.appenderRef.console.ref = console",
            "appender.header_warning.type = HeaderWarningAppender",
            "appender.header_warning.name = header_warning",
            "logger.deprecation.name = org.elasticsearch.deprecation",
            "logger.deprecation.level = warn",
            "logger.deprecation.appenderRef.header_warning.ref = header_warning",
            ""
        );
        Files.writeString(configFile, config);
        System.setProperty("log4j.configurationFile", configFile.toString());
        System.setProperty("log4j.shutdownHookEnabled", "false");
        System.setProperty("log4j2.disable.jmx", "true");
    }

    private static Settings buildSettings(Options options, Path home) {
        final Settings.Builder builder = Settings.builder()
            .put("cluster.name", "quotes-local")
            .put("node.name", options.nodeName())
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.host", "127.0.0.1")
            .put("http.port", Integer.toString(options.port()))
            // 0 = the OS picks a free port; nothing connects to the transport layer of a single node
            .put("transport.port", "0")
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", "false")
            .put("action.destructive_requires_name", "false");
        if (hasClass("org.elasticsearch.xpack.core.XPackSettings")) {
            builder.put("xpack.security.enabled", "false");
        }
        for (Map.Entry<String, String> e : options.extra().entrySet()) {
            builder.put(e.getKey(), e.getValue());
        }
        return builder.build();
    }

    private static boolean hasClass(String name) {
        try {
            Class.forName(name, false, Launcher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * {@code GET /} and {@code HEAD /} (node name, cluster name/uuid, version). In the distribution they come
     * from the {@code rest-root} module, which is not published to Maven Central; clients use them for
     * {@code info()} and {@code ping()}. The answer is built from the running node's own state.
     */
    public static final class RootInfoPlugin extends Plugin implements ActionPlugin {
        private volatile ClusterService clusterService;

        public RootInfoPlugin() {}

        @Override
        public Collection<?> createComponents(PluginServices services) {
            clusterService = services.clusterService();
            return List.of();
        }

        @Override
        public Collection<RestHandler> getRestHandlers(
            RestHandlersServices restHandlersServices,
            Supplier<DiscoveryNodes> nodesInCluster,
            Predicate<NodeFeature> clusterSupportsFeature
        ) {
            return List.of(new RootInfoHandler(this));
        }
    }

    private static final class RootInfoHandler extends BaseRestHandler {
        private final RootInfoPlugin plugin;

        RootInfoHandler(RootInfoPlugin plugin) {
            this.plugin = plugin;
        }

        @Override
        public String getName() {
            return "quotes_esnode_root_info";
        }

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
            return channel -> {
                final ClusterService cs = plugin.clusterService;
                if (cs == null) {
                    channel.sendResponse(new RestResponse(RestStatus.SERVICE_UNAVAILABLE, "node is starting"));
                    return;
                }
                final Build build = Build.current();
                final XContentBuilder b = channel.newBuilder();
                b.startObject();
                b.field("name", cs.localNode().getName());
                b.field("cluster_name", cs.getClusterName().value());
                b.field("cluster_uuid", cs.state().metadata().clusterUUID());
                b.startObject("version");
                b.field("number", build.qualifiedVersion());
                b.field("build_flavor", build.flavor());
                b.field("build_type", build.type().displayName());
                b.field("build_hash", build.hash());
                b.field("build_date", build.date());
                b.field("build_snapshot", build.isSnapshot());
                b.field("lucene_version", IndexVersion.current().luceneVersion().toString());
                b.field("minimum_wire_compatibility_version", build.minWireCompatVersion());
                b.field("minimum_index_compatibility_version", build.minIndexCompatVersion());
                b.endObject();
                b.field("tagline", "You Know, for Search");
                b.endObject();
                channel.sendResponse(new RestResponse(RestStatus.OK, b));
            };
        }
    }

    private static Options parse(String[] args) {
        Integer port = null;
        Path dataDir = null;
        String nodeName = null;
        final Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            switch (arg) {
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i, arg));
                case "--node-name" -> nodeName = value(args, ++i, arg);
                case "--setting" -> {
                    final String kv = value(args, ++i, arg);
                    final int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--setting needs key=value, got [" + kv + "]");
                    }
                    extra.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown argument [" + arg + "]");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        if (nodeName == null) {
            nodeName = "quotes-" + port;
        }
        return new Options(port, dataDir, nodeName, extra);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int parsePort(String s) {
        try {
            final int port = Integer.parseInt(s);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + s);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number: " + s);
        }
    }
}
