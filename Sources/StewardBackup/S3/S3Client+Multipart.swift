import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import StewardCore
#if canImport(Glibc)
import Glibc
#endif

extension S3Client {
    /// CreateMultipartUpload, one UploadPart per ``partSize`` of the file (each read into memory,
    /// hashed and signed), CompleteMultipartUpload; on any failure AbortMultipartUpload, so no
    /// parts are left billed and no object appears.
    /// - Returns: the object's ETag (unquoted, `…-N`).
    func multipartUpload(bucket: String, key: String, file: String, size: Int64) async throws -> String {
        let uploadID = try await createMultipartUpload(bucket: bucket, key: key)
        do {
            var etags = [String]()
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                let bytes = try await BlockingThread.run { [offset] in try Self.read(file, offset: offset, length: length) }
                let headers = try await call(
                    .PUT, "UploadPart", bucket: bucket, key: key,
                    query: [("partNumber", "\(number)"), ("uploadId", uploadID)],
                    headers: [("content-length", "\(length)")], body: .bytes(ByteBuffer(bytes: bytes)),
                    payloadHash: Hex.string(SHA256.hash(data: bytes)))
                guard let etag = headers.first(name: "etag") else {
                    throw S3Error(
                        operation: "UploadPart", resource: "\(bucket)/\(key)", status: 200, code: "MissingETag",
                        message: "part \(number) was answered without an ETag")
                }
                etags.append(etag)
                offset += length
                number += 1
            }
            let parts = etags.enumerated().map {
                "<Part><PartNumber>\($0.offset + 1)</PartNumber><ETag>\(S3XML.escape($0.element))</ETag></Part>"
            }
            let body = Data(("<CompleteMultipartUpload>" + parts.joined() + "</CompleteMultipartUpload>").utf8)
            let completed = try await send(
                .POST, "CompleteMultipartUpload", bucket: bucket, key: key, query: [("uploadId", uploadID)],
                headers: [("content-length", "\(body.count)"), ("content-type", "application/xml")],
                body: .bytes(ByteBuffer(bytes: body)), payloadHash: Hex.string(SHA256.hash(data: body)))
            // S3 may answer 200 and still report an error in the body.
            let completedXML = String(buffer: try await completed.body.collect(upTo: 1024 * 1024))
            if let code = S3XML.value("Code", in: completedXML) {
                throw S3Error(
                    operation: "CompleteMultipartUpload", resource: "\(bucket)/\(key)", status: 200, code: code,
                    message: S3XML.value("Message", in: completedXML) ?? "")
            }
            return S3Object.unquoted(S3XML.value("ETag", in: completedXML) ?? "")
        } catch {
            try? await abortMultipartUpload(bucket: bucket, key: key, uploadID: uploadID)
            throw error
        }
    }

    /// Begins a multipart upload of `key` and returns its id; its parts and its end are the caller's.
    func createMultipartUpload(bucket: String, key: String) async throws -> String {
        let created = try await send(
            .POST, "CreateMultipartUpload", bucket: bucket, key: key, query: [("uploads", "")],
            headers: [("content-type", "application/octet-stream")])
        let createdXML = String(buffer: try await created.body.collect(upTo: 1024 * 1024))
        guard let uploadID = S3XML.value("UploadId", in: createdXML), !uploadID.isEmpty else {
            throw S3Error(
                operation: "CreateMultipartUpload", resource: "\(bucket)/\(key)", status: 200, code: "MissingUploadId",
                message: "the answer names no upload id")
        }
        return uploadID
    }

    /// Abandons an upload and frees its parts.
    func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        _ = try await call(.DELETE, "AbortMultipartUpload", bucket: bucket, key: key, query: [("uploadId", uploadID)])
    }

    /// The ids of the uploads of `bucket` begun and neither completed nor aborted.
    public func inProgressUploads(bucket: String) async throws -> [String] {
        try await inProgressUploads(bucket: bucket, prefix: nil).map(\.uploadID)
    }

    /// The uploads of `bucket` (under `prefix`) begun and neither completed nor aborted: each
    /// object key with its upload id (the first 1,000: S3's page).
    public func inProgressUploads(bucket: String, prefix: String?) async throws -> [(key: String, uploadID: String)] {
        let query = [("uploads", "")] + (prefix.map { [("prefix", $0)] } ?? [])
        let response = try await send(.GET, "ListMultipartUploads", bucket: bucket, query: query)
        let xml = String(buffer: try await response.body.collect(upTo: 8 * 1024 * 1024))[...]
        return S3XML.elements("Upload", in: xml).compactMap { upload in
            guard let key = S3XML.value("Key", in: upload), let id = S3XML.value("UploadId", in: upload) else { return nil }
            return (key, id)
        }
    }

    /// `length` bytes of `path` from `offset` (one part: at most ``partSize`` in memory).
    static func read(_ path: String, offset: Int64, length: Int64) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(.failed, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(offset) + off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw BackupError(.failed, "cannot read \(path) at \(offset + Int64(done)): \(n < 0 ? String(cString: strerror(errno)) : "end of file")")
            }
            done += n
        }
        return bytes
    }
}
