import Foundation
import LineMessaging
import LineSandbox
import Testing
import TsunaguCoreTesting
import TsunaguTesting

/// `tsunagud rich-menu` against the LINE sandbox, which checks the calls as LINE does: the menu is created, its
/// image uploaded to the content API and set as everyone's default, and a menu that breaks LINE's rules is refused
/// before anything is sent.
@Suite("tsunagud rich-menu")
struct RichMenuCommandTests {
    static let accessToken = "rich-menu-access-token"

    @Test func theScriptsMenuBecomesEveryonesDefault() async throws {
        let sandbox = LineSandbox(
            configuration: .init(
                now: RealTime.now, newID: RealTime.newID, accessToken: Self.accessToken, channelSecret: TestSecrets.channelSecret))
        try await sandbox.serve { baseURL in
            let directory = try TemporaryDirectory()
            let environment = DaemonProcess.environment(
                database: directory.path("t.sqlite"),
                extra: ["LINE_API_BASE_URL": baseURL, "LINE_DATA_API_BASE_URL": baseURL, "LINE_CHANNEL_ACCESS_TOKEN": Self.accessToken])
            let result = try await runDaemonCommand(["rich-menu"], environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("now every user's default"))
            let installed = try #require(sandbox.defaultRichMenu)
            #expect(installed.menu.chatBarText == "メニュー")
            #expect(installed.menu.areas.map(\.action.data) == ["start:menu", "info:menu", "info:contacts"])
            let image = URL(fileURLWithPath: DaemonProcess.scriptPath).deletingLastPathComponent().appendingPathComponent("rich-menu.png")
            #expect(installed.image == (try Data(contentsOf: image)))
        }
    }

    @Test func aDryRunChecksAndPrintsWithoutCallingLine() async throws {
        let directory = try TemporaryDirectory()
        let environment = DaemonProcess.environment(
            database: directory.path("t.sqlite"), extra: ["LINE_API_BASE_URL": "http://127.0.0.1:9", "LINE_CHANNEL_ACCESS_TOKEN": "unused"])
        let result = try await runDaemonCommand(["rich-menu", "--dry-run"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let menu = try JSONDecoder().decode(RichMenu.self, from: Data(result.stdout.utf8))
        #expect(menu.size.width == 2500 && menu.areas.count == 3 && menu.validate() == nil)
    }

    @Test func withoutAChannelItSaysWhatToSet() async throws {
        let directory = try TemporaryDirectory()
        var environment = DaemonProcess.environment(database: directory.path("t.sqlite"))
        environment["TSUNAGU_SANDBOX_ENABLED"] = "true"
        let result = try await runDaemonCommand(["rich-menu"], environment: environment)
        #expect(result.status == 1 && result.stderr.contains("LINE_CHANNEL_ACCESS_TOKEN"), "\(result.stderr)")
    }

    @Test func lineRulesAreKeptBeforeAnythingIsSent() {
        var menu = RichMenu(
            width: 2500, height: 843, name: "t", chatBarText: "メニュー",
            areas: [
                RichMenu.Area(x: 0, y: 0, width: 2500, height: 843, label: "相談する", data: "start:menu", displayText: "相談したい")
            ])
        #expect(menu.validate() == nil)
        menu.chatBarText = "とても長いチャットバーのテキストです"
        #expect(menu.validate() != nil)
        menu.chatBarText = "メニュー"
        menu.areas[0].bounds.width = 2501
        #expect(menu.validate() != nil)
        #expect(RichMenu(width: 2500, height: 2000, name: "t", chatBarText: "m", areas: []).validate() != nil, "too tall for LINE")
    }
}
