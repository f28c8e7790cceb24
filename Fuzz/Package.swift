// swift-tools-version:6.2
import PackageDescription

/// libFuzzer targets for what strangers can send Tsunagu: the webhook body and its signature, the conversation
/// script an operator edits, and the staff API's request bodies. Built and run by `scripts/fuzz`, with
/// `-sanitize=fuzzer -parse-as-library` on every Swift module, so coverage guides the fuzzer through our code.
let package = Package(
    name: "TsunaguFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Tsunagu", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzWebhook", dependencies: ["FuzzDriver", .product(name: "LineMessaging", package: "Tsunagu")]),
        .executableTarget(name: "FuzzScript", dependencies: ["FuzzDriver", .product(name: "TsunaguServer", package: "Tsunagu")]),
        .executableTarget(
            name: "FuzzStaffAPI",
            dependencies: ["FuzzDriver", .product(name: "TsunaguServer", package: "Tsunagu"), .product(name: "TsunaguCore", package: "Tsunagu")]),
    ]
)
