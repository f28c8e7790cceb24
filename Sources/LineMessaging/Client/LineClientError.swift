public import CurlHTTP

/// Why a call to the Messaging API did not succeed. Its descriptions carry LINE's own error message and
/// request id, never a user id, a token or message text.
public enum LineClientError: Error, Sendable, CustomStringConvertible {
    /// The request broke one of LINE's limits and was not sent.
    case limits(String)
    /// LINE answered with an error status.
    case api(LineAPIError)
    /// No answer from LINE (timeout, connection failure, TLS).
    case transport(HTTPTransportError)
    /// LINE answered 2xx with a body that is not what the API promises.
    case unexpectedResponse(status: Int, requestID: String?)

    public var description: String {
        switch self {
        case .limits(let sentence): sentence
        case .api(let error): error.description
        case .transport(let error): "LINE could not be reached (\(error))."
        case .unexpectedResponse(let status, let requestID):
            "LINE answered \(status) with an unexpected body (request id \(requestID ?? "unknown"))."
        }
    }

    /// Whether the same request may succeed later: timeouts, connection failures, 5xx, and 429s caused by
    /// rate limits (not by the monthly quota, which only a new month or plan lifts).
    public var isRetryable: Bool {
        switch self {
        case .limits, .unexpectedResponse: false
        case .transport(let error): error.code != .invalidRequest && error.code != .shutDown
        case .api(let error): error.status >= 500 || (error.status == 429 && !error.isMonthlyQuotaExhausted)
        }
    }
}

/// An error answer from the Messaging API: status, LINE's message and details, and the request id LINE
/// asks to quote to its support.
public struct LineAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Detail: Sendable, Hashable, Codable {
        public var message: String?
        public var property: String?

        public init(message: String?, property: String?) {
            self.message = message
            self.property = property
        }
    }

    public var status: Int
    public var message: String
    public var details: [Detail]
    /// `x-line-request-id` of the failed request.
    public var requestID: String?
    /// `Retry-After`, in seconds, when LINE sent one (not documented, but honoured if present).
    public var retryAfterSeconds: Int?

    public init(status: Int, message: String, details: [Detail] = [], requestID: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.details = details
        self.requestID = requestID
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String {
        let detail = details.compactMap { detail in
            detail.property.map { "\($0): \(detail.message ?? "invalid")" } ?? detail.message
        }.joined(separator: "; ")
        return "LINE answered \(status): \(message)\(detail.isEmpty ? "" : " (\(detail))") [request id \(requestID ?? "unknown")]."
    }

    /// 429 because the plan's monthly message allowance is used up.
    public var isMonthlyQuotaExhausted: Bool { status == 429 && message.lowercased().contains("monthly limit") }

    /// 400 because the reply token was used already or has expired (LINE does not say which).
    public var isInvalidReplyToken: Bool { status == 400 && message.lowercased().contains("invalid reply token") }

    /// 401: the channel access token was refused (reissued, revoked or expired); LINE executed nothing.
    public var isAccessTokenRefused: Bool { status == 401 }
}
