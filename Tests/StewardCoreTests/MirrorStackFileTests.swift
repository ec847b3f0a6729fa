import Foundation
import StewardCore
import Testing

/// The `mirrors:` section: bucket prefixes copied into another bucket or a folder, on demand or on a schedule.
@Suite struct MirrorStackFileTests {
    static func stack(_ mirrors: String, environments: String = "  production: {}\n  staging: {}\n") -> String {
        """
        version: 1
        stack: shop
        dependencies:
          docs:
            type: s3
            url: http://KEY:${secret:S3_SECRET}@s3.internal:9000/shop-documents?region=us-east-1
        services:
          api:
            command: /bin/true
        environments:

        """ + environments + "mirrors:\n" + mirrors
    }

    /// A bucket target and a folder target parse with their defaults; a mirror's schedule is one
    /// schedule of the stack (`mirror:NAME`), not one per environment as a backup's.
    @Test func mirrorsParseWithTheirDefaultsAndOneScheduleEach() throws {
        let spec = try StackFile.parse(
            Self.stack(
                """
                  - name: documents
                    source: s3://shop-documents
                    target: s3://shop-mirror/docs
                    schedule: "0 3 * * *"
                  - name: documents-local
                    source: s3://shop-documents/contracts/
                    target: mirrors/contracts
                    keepRemoved: true

                """),
            file: "steward.yaml"
        ).get()
        #expect(
            spec.mirrors == [
                MirrorSpec(name: "documents", source: "s3://shop-documents", target: "s3://shop-mirror/docs", schedule: "0 3 * * *"),
                MirrorSpec(
                    name: "documents-local", source: "s3://shop-documents/contracts/", target: "mirrors/contracts",
                    keepRemoved: true),
            ])
        #expect(spec.mirror(named: "documents")?.targetIsBucket == true)
        #expect(spec.mirror(named: "documents-local")?.targetIsBucket == false)
        let schedules = spec.schedules
        #expect(schedules.map(\.id) == ["mirror:documents"])
        #expect(schedules.first?.kind == .mirror && schedules.first?.timeZone == "UTC")
    }

    /// Every key of a mirror is enforced: `steward validate` warns about none of them.
    @Test func mirrorKeysAreEnforced() throws {
        let analysis = StackFile.analyze(
            Self.stack(
                """
                  - name: documents
                    source: s3://shop-documents
                    target: /var/mirrors/documents
                    keepRemoved: false
                    schedule: "@daily"
                    timeZone: Europe/Paris

                """),
            file: "steward.yaml")
        _ = try analysis.result.get()
        #expect(analysis.warnings.filter { $0.keyPath.hasPrefix("mirrors") }.isEmpty, "\(analysis.warnings)")
    }

    /// Mistakes are errors with their position, what was found and what was expected.
    @Test func badMirrorsAreErrorsWithTheirPosition() {
        let folderSource = StackFileErrorTests.errors(
            Self.stack("  - name: documents\n    source: /data/documents\n    target: s3://shop-mirror\n"))
        #expect(folderSource.count == 1)
        #expect(folderSource.first?.hasPrefix("steward.yaml:15:13:") == true, "\(folderSource)")
        #expect(folderSource.first?.contains("a mirror copies a bucket, not a folder") == true, "\(folderSource)")

        let inside = StackFileErrorTests.errors(
            Self.stack("  - name: documents\n    source: s3://shop-documents\n    target: s3://shop-documents/mirror\n"))
        #expect(inside.count == 1)
        #expect(inside.first?.hasPrefix("steward.yaml:16:13:") == true, "\(inside)")
        #expect(inside.first?.contains("the mirror would copy itself") == true, "\(inside)")

        let missing = StackFileErrorTests.errors(Self.stack("  - name: documents\n    source: s3://shop-documents\n"))
        #expect(missing.count == 1)
        #expect(missing.first?.contains("target") == true, "\(missing)")

        let badName = StackFileErrorTests.errors(
            Self.stack("  - name: Documents\n    source: s3://shop-documents\n    target: s3://shop-mirror\n"))
        #expect(badName.first?.hasPrefix("steward.yaml:14:11:") == true, "\(badName)")

        let twice = StackFileErrorTests.errors(
            Self.stack(
                """
                  - name: a
                    source: s3://shop-documents/a
                    target: s3://shop-mirror/x
                  - name: a
                    source: s3://shop-documents/b
                    target: s3://shop-mirror/x/

                """))
        #expect(twice.count == 2, "\(twice)")
        #expect(twice.contains { $0.hasPrefix("steward.yaml:17:11:") }, "\(twice)")
        #expect(twice.contains { $0.hasPrefix("steward.yaml:19:13:") && $0.contains("already writes to") }, "\(twice)")

        let badCron = StackFileErrorTests.errors(
            Self.stack(
                "  - name: documents\n    source: s3://shop-documents\n    target: s3://shop-mirror\n    schedule: \"61 * * * *\"\n    timeZone: Mars/Olympus\n    keepRemoved: maybe\n"))
        #expect(badCron.count == 3, "\(badCron)")
        #expect(badCron.contains { $0.hasPrefix("steward.yaml:17:15:") }, "\(badCron)")
        #expect(badCron.contains { $0.hasPrefix("steward.yaml:18:15:") && $0.contains("a time zone") }, "\(badCron)")
        #expect(badCron.contains { $0.hasPrefix("steward.yaml:19:18:") }, "\(badCron)")

        let unknown = StackFileErrorTests.errors(
            Self.stack("  - name: documents\n    source: s3://shop-documents\n    target: s3://shop-mirror\n    keepDeleted: true\n"))
        #expect(unknown.first?.contains("keepRemoved") == true, "\(unknown)")
    }
}
