import Crypto
import Foundation
public import TsunaguCore

/// The web console's sessions: a random id in an HttpOnly cookie stands for a staff token, which the server
/// keeps only as its SHA-256 (like the staff store), together with the session's CSRF token.
///
/// Sessions live in this process's memory: a restart signs everyone out, and behind several instances the
/// proxy must keep a browser on one instance. A session ends when the member signs out, after ``Settings/idle``
/// without a request, after ``Settings/lifetime`` at most, and as soon as its token is refused (revoked).
public actor ConsoleSessions {
    public struct Settings: Sendable, Hashable {
        /// How long a session lasts without a request (the console polls the feed while it is open).
        public var idle: Duration
        /// How long a session lasts at most: a working day.
        public var lifetime: Duration
        /// The most sessions kept at once; the oldest is dropped beyond it.
        public var capacity: Int

        public init(idle: Duration = .seconds(2 * 3600), lifetime: Duration = .seconds(12 * 3600), capacity: Int = 1_000) {
            self.idle = idle
            self.lifetime = lifetime
            self.capacity = capacity
        }
    }

    /// A signed-in browser.
    public struct Session: Sendable, Hashable {
        /// The SHA-256 of the staff token it stands for.
        public let tokenHash: [UInt8]
        /// Sent back by the console's script in `X-CSRF-Token` with every request that changes something.
        public let csrfToken: String
        let startedAt: Int64
        var seenAt: Int64
    }

    /// The session bound to the request being served, after ``ConsoleSessionMiddleware`` checked its cookie and
    /// CSRF token; ``StaffAuthenticator`` reads it when the request carries no bearer token.
    @TaskLocal public static var current: Session?

    private let settings: Settings
    private let clock: WallClock
    private var sessions: [String: Session] = [:]

    public init(settings: Settings = Settings(), clock: WallClock) {
        self.settings = settings
        self.clock = clock
    }

    /// Starts a session for a token already checked against the staff store; returns its cookie value.
    public func start(tokenHash: [UInt8]) -> (id: String, session: Session) {
        let now = clock.now()
        expire(now: now)
        if sessions.count >= settings.capacity, let oldest = sessions.min(by: { $0.value.seenAt < $1.value.seenAt })?.key {
            sessions[oldest] = nil
        }
        let id = Self.randomToken()
        let session = Session(tokenHash: tokenHash, csrfToken: Self.randomToken(), startedAt: now, seenAt: now)
        sessions[Self.key(id)] = session
        return (id, session)
    }

    /// The live session behind a cookie value, renewed; `nil` when unknown or over.
    public func session(for id: String) -> Session? {
        let now = clock.now()
        let key = Self.key(id)
        guard var session = sessions[key] else { return nil }
        guard isLive(session, now: now) else {
            sessions[key] = nil
            return nil
        }
        session.seenAt = now
        sessions[key] = session
        return session
    }

    /// Ends the session behind a cookie value (signing out).
    public func end(_ id: String) { sessions[Self.key(id)] = nil }

    /// Ends every session of a token (it was refused: revoked).
    public func end(tokenHash: [UInt8]) { sessions = sessions.filter { $0.value.tokenHash != tokenHash } }

    private func isLive(_ session: Session, now: Int64) -> Bool {
        now - session.seenAt <= settings.idle.wholeMilliseconds && now - session.startedAt <= settings.lifetime.wholeMilliseconds
    }

    private func expire(now: Int64) { sessions = sessions.filter { isLive($0.value, now: now) } }

    /// Sessions are kept by the SHA-256 of their id, so that the table in memory holds no usable cookie.
    private static func key(_ id: String) -> String { SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// 256 random bits, Base64url.
    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
