import CurlHTTP
public import Foundation
public import LineMessaging
public import TsunaguCore

/// Installs the script's rich menu on LINE for `tsunagud rich-menu`: creates it, uploads its image, and makes it
/// everyone's default, so the information menu and the way to start a consultation are always one tap away.
public enum RichMenuInstaller {
    /// The script's `richMenu` as LINE takes it.
    public static func menu(from script: ConversationScript) -> RichMenu {
        let menu = script.richMenu
        return RichMenu(
            width: menu.width, height: menu.height, name: "tsunagu", chatBarText: menu.chatBarText,
            areas: menu.areas.map {
                RichMenu.Area(x: $0.x, y: $0.y, width: $0.width, height: $0.height, label: $0.label, data: $0.data, displayText: $0.displayText)
            })
    }

    /// The image beside the script, checked against the menu: a PNG of its size, at most 1 MB.
    public static func image(for script: ConversationScript, scriptPath: String) throws(StartupError) -> Data {
        let path = URL(fileURLWithPath: scriptPath).deletingLastPathComponent().appendingPathComponent(script.richMenu.image).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StartupError("The rich menu image \(path) cannot be read; draw it with scripts/make-rich-menu.")
        }
        guard let size = RichMenu.pngSize(data), size.width == script.richMenu.width, size.height == script.richMenu.height else {
            throw StartupError(
                "The rich menu image \(path) is not a PNG of \(script.richMenu.width)×\(script.richMenu.height) pixels; draw it again with scripts/make-rich-menu."
            )
        }
        guard data.count <= RichMenu.maxImageBytes else { throw StartupError("The rich menu image \(path) is larger than LINE's 1 MB.") }
        return data
    }

    /// The menu and its image, checked against LINE's rules (what `--dry-run` shows).
    public static func checked(_ configuration: TsunaguConfiguration) throws(StartupError) -> (menu: RichMenu, png: Data) {
        let script = configuration.engine.script
        let menu = menu(from: script)
        if let problem = menu.validate() { throw StartupError("The script's richMenu breaks LINE's rules: \(problem)") }
        return (menu, try image(for: script, scriptPath: configuration.scriptPath))
    }

    /// Creates, uploads and sets the menu as everyone's default; returns its id.
    public static func install(_ configuration: TsunaguConfiguration) async throws(StartupError) -> String {
        guard configuration.sandboxPort == nil, let token = configuration.channelAccessToken else {
            throw StartupError("No LINE channel is configured; set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN first.")
        }
        let (menu, png) = try checked(configuration)
        let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(30), maxConnectionsPerHost: 2))
        defer { transport.shutdown() }
        let client = LineMessagingClient(
            transport: transport, accessToken: token, apiBaseURL: configuration.apiBaseURL, dataAPIBaseURL: configuration.dataAPIBaseURL)
        do {
            let id = try await client.createRichMenu(menu)
            try await client.uploadRichMenuImage(richMenuID: id, png: png)
            try await client.setDefaultRichMenu(id)
            return id
        } catch {
            throw StartupError("LINE refused the rich menu: \(error.description)")
        }
    }
}
