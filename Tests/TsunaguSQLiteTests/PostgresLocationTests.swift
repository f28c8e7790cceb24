import Testing
import TsunaguPostgres

@Suite("PostgreSQL location from TSUNAGU_DATABASE")
struct PostgresLocationTests {
    @Test("a full URL gives host, port, user, password, database and TLS mode")
    func fullURL() throws {
        let location = try PostgresLocation(url: "postgres://tsunagu:s3cret@db.internal:6432/consult?sslmode=require")
        #expect(location.host == "db.internal" && location.port == 6432 && location.unixSocketPath == nil)
        #expect(location.username == "tsunagu" && location.password == "s3cret" && location.database == "consult")
        #expect(location.tlsMode == .require)
        // Printed or logged, it never shows the password.
        #expect("\(location)" == "postgres://tsunagu@db.internal:6432/consult (sslmode require)")
        #expect(!String(reflecting: location).contains("s3cret"))
    }

    @Test("defaults: port 5432, TLS preferred, no password; postgresql:// is accepted too")
    func defaults() throws {
        let location = try PostgresLocation(url: "postgresql://tsunagu@localhost/tsunagu")
        #expect(location.port == 5432 && location.tlsMode == .prefer && location.password == nil)
    }

    @Test("a host on another machine gets verify-full by default; loopback and Unix sockets keep prefer")
    func remoteDefault() throws {
        #expect(try PostgresLocation(url: "postgres://tsunagu@db.internal/tsunagu").tlsMode == .verifyFull)
        #expect(try PostgresLocation(url: "postgres://tsunagu@10.0.0.5:5432/tsunagu").tlsMode == .verifyFull)
        #expect(try PostgresLocation(url: "postgres://tsunagu@127.0.0.1/tsunagu").tlsMode == .prefer)
        #expect(try PostgresLocation(url: "postgres://tsunagu@[::1]/tsunagu").tlsMode == .prefer)
        #expect(try PostgresLocation(url: "postgres://tsunagu@/tsunagu?host=/run/postgresql").tlsMode == .prefer)
    }

    @Test(
        "a weaker sslmode to another machine is refused in one sentence naming the setting that allows it",
        arguments: ["disable", "prefer", "require"])
    func weakRemoteRefused(_ mode: String) throws {
        let location = try PostgresLocation(url: "postgres://tsunagu:pw@db.internal/tsunagu?sslmode=\(mode)")
        let error = #expect(throws: PostgresLocationError.self) { try location.requireVerifiedServer(allowingUnverified: false) }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(message.hasPrefix("TSUNAGU_DATABASE has sslmode \(mode)") && message.hasSuffix("."))
        #expect(message.contains("TSUNAGU_DATABASE_ALLOW_UNVERIFIED") && !message.contains("pw"))
        try location.requireVerifiedServer(allowingUnverified: true)
        // On loopback, and with verify-full, nothing is refused.
        try PostgresLocation(url: "postgres://tsunagu@127.0.0.1/tsunagu?sslmode=\(mode)").requireVerifiedServer(allowingUnverified: false)
        try PostgresLocation(url: "postgres://tsunagu@db.internal/tsunagu").requireVerifiedServer(allowingUnverified: false)
    }

    @Test("a host option names a Unix socket folder")
    func unixSocket() throws {
        let location = try PostgresLocation(url: "postgres://tsunagu@/tsunagu?host=/run/postgresql")
        #expect(location.unixSocketPath == "/run/postgresql/.s.PGSQL.5432" && location.host == nil)
    }

    @Test(
        "malformed URLs are refused in one sentence that never repeats the URL or its password",
        arguments: [
            "postgres://:pw@host/db", "postgres://user:pw@host", "postgres://user:pw@host/db?sslmode=maybe",
            "postgres://user:pw@host/db?pool=3", "postgres://user:pw@/db", "mysql://user:pw@host/db",
            "postgres://user:pw@/db?host=relative/dir", "postgres://user:pw@host:0/db",
        ])
    func refusals(_ url: String) {
        do {
            _ = try PostgresLocation(url: url)
            Issue.record("accepted \(url)")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("TSUNAGU_DATABASE ") && message.hasSuffix("."))
            #expect(!message.contains("pw") && !message.contains(url))
        }
    }

    @Test("only postgres:// and postgresql:// values name PostgreSQL; anything else is a SQLite path")
    func recognition() {
        #expect(PostgresLocation.isPostgresURL("postgres://u@h/d"))
        #expect(PostgresLocation.isPostgresURL("postgresql://u@h/d"))
        #expect(!PostgresLocation.isPostgresURL("data/tsunagu.sqlite"))
        #expect(!PostgresLocation.isPostgresURL("/var/lib/postgres/tsunagu.sqlite"))
    }
}
