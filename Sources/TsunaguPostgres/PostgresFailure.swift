import PostgresNIO
import _ConnectionPoolModule

/// Turns a PostgreSQL failure into one sentence an operator can act on.
///
/// Why not the error's own text: a server message can quote the values of a statement ("invalid input syntax
/// for type bigint: …"), and those may be hers. Only the SQLSTATE class, the endpoint and a fixed reason are
/// used.
public enum PostgresFailure {
    /// Whether `error` came from PostgreSQL or the way to it (as opposed to the caller's own errors, which pass
    /// through unchanged).
    public static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is PostgresTransactionError || error is ConnectionPoolError || error is PostgresLocationError
    }

    public static func describe(_ error: any Error, location: PostgresLocation) -> String {
        let endpoint = location.unixSocketPath ?? "\(location.host ?? "localhost"):\(location.port)"
        let transaction = error as? PostgresTransactionError
        let underlying = transaction?.closureError ?? transaction?.beginError ?? transaction?.commitError ?? error
        if let error = underlying as? PostgresLocationError { return error.description }
        if underlying is ConnectionPoolError {
            return "Cannot get a connection to PostgreSQL at \(endpoint); it refused or did not answer for some time."
        }
        guard let error = underlying as? PSQLError else {
            return "PostgreSQL at \(endpoint) failed with an unexpected \(type(of: underlying))."
        }
        if let state = error.serverInfo?[.sqlState] {
            let reason =
                switch state {
                case "28P01", "28000": "refused the user or password"
                case "3D000": "has no database \(location.database)"
                case "42501": "denied a permission the user needs"
                case "53300": "has no connection slot free"
                case let state where state.hasPrefix("08"): "dropped the connection"
                default: "answered with SQLSTATE \(state)"
                }
            return "PostgreSQL at \(endpoint) \(reason)."
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection:
            return "Cannot reach PostgreSQL at \(endpoint); check the host, the port and that the server runs."
        case .sslUnsupported:
            return "PostgreSQL at \(endpoint) does not offer TLS, which sslmode requires."
        default:
            return "PostgreSQL at \(endpoint) failed (\(error.code))."
        }
    }
}
