public import ArgumentParser
import Foundation
public import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud staff`: staff accounts for the staff API and the `tsunagu` CLI.
    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list and revoke staff accounts.",
            discussion: """
                A counsellor works the queue and the cases they hold; a supervisor reads statistics and the queue \
                summary, never message text; an admin manages staff. Every change is written to the audit log.
                """,
            subcommands: [Add.self, List.self, Revoke.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a member of staff and print their token, once.",
                discussion:
                    "The token is shown only now and stored only as a hash; give it to them in person. A lost token is revoked and a new account added."
            )

            @OptionGroup var options: ConfigOptions
            @Argument(help: "Their name as colleagues know it (letters, digits, '-', '_', '.'; at most 32).") var name: String
            @Option(help: "counsellor, supervisor or admin.") var role: StaffRole

            func validate() throws {
                let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
                guard (1...32).contains(name.count), name.allSatisfy(allowed.contains) else {
                    throw ValidationError("NAME must be 1 to 32 letters, digits, '-', '_' or '.'.")
                }
            }

            func run() async throws {
                do {
                    let token = StaffToken.generate()
                    let name = name
                    let role = role
                    _ = try await options.withStores(readOnly: false) { stores in
                        try await stores.staff.add(name: name, role: role, tokenHash: StaffToken.hash(token), by: "operator")
                    }
                    print(token)
                    FileHandle.standardError.write(Data("Added \(name) as \(role.rawValue). The token above is shown only once.\n".utf8))
                } catch {
                    throw Failure.exit(error)
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List staff: name, role, added, revoked (never tokens).")

            @OptionGroup var options: ConfigOptions
            @Flag(name: .long, help: "Print JSON for scripts.") var json = false

            func run() async throws {
                do {
                    let members = try await options.withStores(readOnly: true) { stores in try await stores.staff.list() }
                    if json {
                        try JSONOutput.print(members)
                        return
                    }
                    print("NAME".padding(toLength: 34, withPad: " ", startingAt: 0) + "ROLE        ADDED       REVOKED")
                    for member in members {
                        func day(_ ms: Int64?) -> String {
                            ms.map { String(Date(timeIntervalSince1970: Double($0) / 1000).formatted(.iso8601).prefix(10)) } ?? "-"
                        }
                        print(
                            member.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                                + member.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                                + day(member.createdAt) + "  " + day(member.revokedAt))
                    }
                } catch {
                    throw Failure.exit(error)
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a member's token at once.")

            @OptionGroup var options: ConfigOptions
            @Argument(help: "Their name.") var name: String

            func run() async throws {
                do {
                    let name = name
                    let revoked = try await options.withStores(readOnly: false) { stores in
                        try await stores.staff.revoke(name: name, by: "operator")
                    }
                    guard revoked else {
                        throw StartupError("No active member of staff is named \(name); see tsunagud staff list.")
                    }
                    print("Revoked \(name).")
                } catch {
                    throw Failure.exit(error)
                }
            }
        }
    }

    /// `tsunagud audit`: the audit log, and a check of its hash chain.
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the audit log, or verify its hash chain.",
            discussion: """
                --verify exits 1, naming the first entry that does not hold, if any entry was changed, removed or \
                reordered, and prints the chain's length and head. Keep the head off the machine: --expect-head HEAD \
                later exits 1 when that head is no longer in the chain, which is how removing the newest entries shows. \
                The chain is keyed with a key from the data keyring, so --verify needs the data key (TSUNAGU_DATA_KEY_FILE, \
                as the service has it); entries written before the chain was keyed are checked by plain SHA-256, and the \
                output says how many there are.
                """)

        @OptionGroup var options: ConfigOptions
        @Flag(name: .long, help: "Check the hash chain instead of listing.") var verify = false
        @Option(name: .long, help: ArgumentHelp("With --verify: a head printed earlier, which must still be in the chain.", valueName: "hash"))
        var expectHead: String?
        @Flag(name: .long, help: "Print JSON for scripts.") var json = false

        /// `--verify --json`: the verification and the head.
        struct Verified: Encodable {
            var entries: Int
            var firstBroken: Int64?
            /// Entries from before the chain was keyed, checked by plain SHA-256.
            var unkeyedEntries: Int
            var head: String?
        }

        func run() async throws {
            do {
                if verify {
                    let (entries, result) = try await options.withStores(readOnly: true) { stores in
                        guard stores.audit.chain.isKeyed else { throw AuditKeyMissing() }
                        let entries = try await stores.audit.entries()
                        return (entries, stores.audit.chain.verify(entries))
                    }
                    let head = AuditChain.head(of: entries)
                    if json {
                        try JSONOutput.print(
                            Verified(entries: result.entries, firstBroken: result.firstBroken, unkeyedEntries: result.unkeyedEntries, head: head))
                    }
                    if let broken = result.firstBroken {
                        throw StartupError("The audit log does not hold from entry \(broken) on: it was changed after it was written.")
                    }
                    if let expectHead, !AuditChain.contains(head: expectHead, in: entries) {
                        throw StartupError(
                            "The audit log no longer contains the head you saved; entries were removed from its end or it was rewritten since.")
                    }
                    if !json {
                        print("The audit log holds: \(result.entries) entries, chain intact; head \(head ?? "none (empty)").")
                        print(Self.keying(result))
                        if let expectHead { print("It contains the saved head \(expectHead.prefix(12))….") }
                    }
                    return
                }
                let entries = try await options.withStores(readOnly: true) { stores in try await stores.audit.entries() }
                if json {
                    try JSONOutput.print(entries)
                    return
                }
                for entry in entries {
                    let when = Date(timeIntervalSince1970: Double(entry.at) / 1000).formatted(.iso8601)
                    print("\(entry.sequence)  \(when)  \(entry.actor)  \(entry.action)  \(entry.caseID ?? "-")  \(entry.detail ?? "")")
                }
            } catch {
                throw Failure.exit(error)
            }
        }

        /// How the entries were checked: the operator must know that the first ones had no key to protect them.
        static func keying(_ result: AuditVerification) -> String {
            let keyed = result.entries - result.unkeyedEntries
            guard result.unkeyedEntries > 0 else { return "All \(keyed) entries were checked with the audit key." }
            return "Entries 1 to \(result.unkeyedEntries) were written before the chain was keyed and are checked by plain SHA-256 only; "
                + "the \(keyed) after them were checked with the audit key."
        }
    }
}

extension StaffRole: ExpressibleByArgument {}
