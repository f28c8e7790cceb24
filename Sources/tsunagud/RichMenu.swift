import ArgumentParser
import Foundation
import TsunaguServer

extension Tsunagud {
    /// `tsunagud rich-menu`: installs the script's rich menu on LINE.
    struct RichMenuCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rich-menu",
            abstract: "Install the conversation script's rich menu on LINE as everyone's default.",
            discussion: """
                Reads richMenu from the script (TSUNAGU_SCRIPT) and its image beside the script (draw it with \
                scripts/make-rich-menu after changing the labels), checks both against LINE's rules, then creates the \
                menu, uploads the image and makes it the default for every user of the channel \
                (LINE_CHANNEL_ACCESS_TOKEN). Run it again after any change; the newest menu replaces the default. \
                --dry-run checks everything and prints the menu without calling LINE.
                """)

        @OptionGroup var options: ConfigOptions

        @Flag(name: .long, help: "Check the menu and its image, print the menu as LINE would get it, and stop.")
        var dryRun = false

        func run() async throws {
            do {
                let configuration = try TsunaguConfiguration(reader: options.reader())
                if dryRun {
                    try JSONOutput.print(RichMenuInstaller.checked(configuration).menu)
                    return
                }
                let id = try await RichMenuInstaller.install(configuration)
                print("The rich menu \(id) is now every user's default.")
            } catch {
                throw Failure.exit(error)
            }
        }
    }
}
