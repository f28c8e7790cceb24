import Foundation
import NIOSSL
public import PostgresNIO
import TsunaguCore

/// Where a PostgreSQL database is and how to reach it, read from a `postgres://` URL.
///
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require|verify-full&sslrootcert=FILE]`,
/// or `postgres://USER@/DATABASE?host=/run/postgresql` for a Unix socket. `sslmode` follows libpq's names:
/// `require` encrypts without checking the server's certificate, `verify-full` also checks it against
/// `sslrootcert` (or the system's roots) and the host name. The default is `verify-full` for a host off this
/// machine and `prefer` on loopback or a Unix socket; a weaker mode to another machine is refused by
/// ``requireVerifiedServer(allowingUnverified:)`` unless the operator allowed it by name. Why a URL: it is the one
/// form every PostgreSQL operator already writes, and it fits in the single `TSUNAGU_DATABASE` setting.
///
/// Errors never repeat the URL, which may hold a password.
public struct PostgresLocation: Sendable {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String?
    public var port: Int
    public var unixSocketPath: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// PEM file of the certificate authorities trusted for `verify-full`; `nil`: the system's.
    public var rootCertificatePath: String?

    /// Whether a `TSUNAGU_DATABASE` value names PostgreSQL rather than a SQLite file.
    public static func isPostgresURL(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    /// - Throws: ``PostgresLocationError`` naming what is wrong, without the URL itself.
    public init(url text: String) throws {
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw PostgresLocationError("is not a postgres:// URL")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let known: Set = ["sslmode", "sslrootcert", "host"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresLocationError("has the unknown option \(unknown); the options are sslmode, sslrootcert and host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresLocationError("names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresLocationError("names no database (postgres://USER@HOST/DATABASE)")
        }
        let socket = query["host"].flatMap { $0.isEmpty ? nil : $0 }
        let local = socket != nil || components.host.map(LoopbackHost.contains) ?? true
        let modeText = query["sslmode"] ?? (local ? TLSMode.prefer : TLSMode.verifyFull).rawValue
        guard let mode = TLSMode(rawValue: modeText) else {
            throw PostgresLocationError("has sslmode \(modeText); it must be disable, prefer, require or verify-full")
        }
        if let socket {
            guard socket.hasPrefix("/") else { throw PostgresLocationError("has a host option that is not a socket folder") }
            self.unixSocketPath =
                socket.hasSuffix(".s.PGSQL.\(components.port ?? 5432)")
                ? socket : "\(socket)/.s.PGSQL.\(components.port ?? 5432)"
            self.host = nil
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw PostgresLocationError("names no host (postgres://USER@HOST/DATABASE)")
            }
            self.host = host
            self.unixSocketPath = nil
        }
        self.port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw PostgresLocationError("has a port outside 1–65535") }
        self.username = user
        self.password = components.password
        self.database = database
        self.tlsMode = mode
        self.rootCertificatePath = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the connection crosses a network: a host other than loopback (a Unix socket does not).
    public var isRemote: Bool { unixSocketPath == nil && !LoopbackHost.contains(host ?? "localhost") }

    /// Refuses a connection to another machine whose server is not checked (`sslmode` other than `verify-full`):
    /// anyone on the path could read her sealed data, the password, or pose as the database.
    ///
    /// - Parameter allowingUnverified: the operator's explicit `TSUNAGU_DATABASE_ALLOW_UNVERIFIED=true`.
    /// - Throws: ``PostgresLocationError`` in one sentence naming the setting that allows it.
    public func requireVerifiedServer(allowingUnverified: Bool) throws {
        guard isRemote, tlsMode != .verifyFull, !allowingUnverified else { return }
        throw PostgresLocationError(
            "has sslmode \(tlsMode.rawValue) to \(host ?? "a remote host"), which does not check the server; use sslmode=verify-full with sslrootcert, or set TSUNAGU_DATABASE_ALLOW_UNVERIFIED=true to accept it"
        )
    }

    /// The same server, another database (the tests make one per test).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// postgres-nio's client configuration, with `poolSize` connections at most.
    public func clientConfiguration(poolSize: Int) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let unixSocketPath {
            configuration = .init(unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch try tlsSettings() {
                case nil: .disable
                case (let enforced, let settings)?: enforced ? .require(settings) : .prefer(settings)
                }
            configuration = .init(
                host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = poolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The same, for one connection outside the pool (the pool retries a failing server without saying why; a
    /// single connection reports the reason).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let unixSocketPath {
            configuration = .init(unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS =
                switch try tlsSettings() {
                case nil: .disable
                case (let enforced, let settings)?:
                    enforced
                        ? .require(try NIOSSLContext(configuration: settings)) : .prefer(try NIOSSLContext(configuration: settings))
                }
            configuration = .init(
                host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// `nil` without TLS; otherwise whether TLS is required, and its settings.
    private func tlsSettings() throws -> (enforced: Bool, TLSConfiguration)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .prefer, .require:
            // libpq's meaning: encrypted, but the server's certificate is not checked.
            tls.certificateVerification = .none
            return (tlsMode == .require, tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            if let rootCertificatePath {
                guard FileManager.default.isReadableFile(atPath: rootCertificatePath) else {
                    throw PostgresLocationError("has an sslrootcert file that cannot be read")
                }
                tls.trustRoots = .file(rootCertificatePath)
            }
            return (true, tls)
        }
    }
}

extension PostgresLocation: CustomStringConvertible, CustomDebugStringConvertible {
    /// The endpoint and database, never the password: safe to log.
    public var description: String {
        "postgres://\(username)@\(unixSocketPath ?? "\(host ?? "localhost"):\(port)")/\(database) (sslmode \(tlsMode.rawValue))"
    }

    public var debugDescription: String { description }
}

/// A `TSUNAGU_DATABASE` URL that cannot be used, said in one sentence.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "TSUNAGU_DATABASE \(reason)." }
}
