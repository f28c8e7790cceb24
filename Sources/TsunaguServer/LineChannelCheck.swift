import CurlHTTP
import LineMessaging
import Logging

/// The start-up check of the LINE channel: one `GET /v2/bot/info` with the configured access token.
///
/// A token LINE rejects stops start-up, in one sentence: nothing could be answered with it. LINE being
/// unreachable does not: webhooks are still received and stored, and answers wait for LINE to come back.
enum LineChannelCheck {
    static func run(configuration: TsunaguConfiguration, transport: any HTTPTransport, logger: Logger) async throws {
        guard let token = configuration.channelAccessToken else {
            logger.warning("LINE_CHANNEL_ACCESS_TOKEN is not set: webhooks are received, but nothing can be sent to LINE")
            return
        }
        let client = LineMessagingClient(transport: transport, accessToken: token, apiBaseURL: configuration.apiBaseURL)
        do {
            let info = try await client.botInfo()
            logger.notice("LINE channel ready", metadata: ["bot": "\(info.basicId)"])
        } catch {
            if case .api(let apiError) = error, apiError.isAccessTokenRefused || apiError.status == 403 {
                throw StartupError(
                    "LINE rejected LINE_CHANNEL_ACCESS_TOKEN (\(apiError.status)); issue a new channel access token in the LINE Developers Console.")
            }
            logger.warning(
                "LINE could not be checked at start-up; webhooks are still received",
                metadata: ["error": "\(error)"])
        }
    }
}
