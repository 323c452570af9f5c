using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace DreamTrainer.Tests.Reliability;

/// <summary>
/// Makes hostile and corrupt checkpoints from a genuine one: the manifest edited (wrong types,
/// impossible values, names that leave the folder), its text replaced (not JSON, an array,
/// duplicate keys, deep nesting), or the archive's bytes cut, scrambled or patched (entry headers
/// declaring gigabytes, or fewer bytes than the entry holds; a flipped bit; a directory announcing
/// 60,000 entries).
/// </summary>
internal sealed class HostileCorpus
{
    private readonly byte[] _genuine;

    public HostileCorpus(string genuinePath) => _genuine = File.ReadAllBytes(genuinePath);

    /// <summary>Every case: its name, the file's bytes, and a fragment the error message must hold.</summary>
    public IEnumerable<(string Name, byte[] Bytes, string Expected)> Cases(string outsideFile)
    {
        yield return ("empty file", Array.Empty<byte>(), "too short for a zip archive");
        yield return ("truncated", _genuine[..(_genuine.Length / 2)], "not a zip archive");
        yield return ("random bytes", Random(4096), "not a zip archive");
        yield return ("manifest is not JSON", Manifest("{\"format\": \"DreamTrainer.Checkpoint\", \"version\": 2, oops"), "is not valid JSON");
        yield return ("manifest is an array", Manifest("[1, 2, 3]"), "is a JSON array, not an object");
        yield return ("duplicate keys", Manifest("{\"format\": \"DreamTrainer.Checkpoint\", \"version\": 2, \"version\": 1, \"epochsCompleted\": 1, \"globalStep\": 1}"), "has the key \"version\" twice");
        yield return ("5,000-deep nesting", Manifest("{\"a\":" + new string('[', 5000) + new string(']', 5000) + "}"), "nests deeper than 64 levels");
        yield return ("format of the wrong type", Edit(m => m["format"] = 5), "format = 5: must be a string");
        yield return ("another format", Edit(m => m["format"] = "Other.Checkpoint"), "format = \"Other.Checkpoint\"");
        yield return ("version of the wrong type", Edit(m => m["version"] = "2"), "version = \"2\": must be an integer");
        yield return ("a newer version", Edit(m => m["version"] = 99), "written by a newer runtime");
        yield return ("epochsCompleted of the wrong type", Edit(m => m["epochsCompleted"] = "three"), "epochsCompleted = \"three\": must be an integer");
        yield return ("fractional epochsCompleted", Edit(m => m["epochsCompleted"] = 1.5), "epochsCompleted = 1.5: must be an integer");
        yield return ("negative epochsCompleted", Edit(m => m["epochsCompleted"] = -1), "epochsCompleted = -1: must be 0 or more");
        yield return ("negative globalStep", Edit(m => m["globalStep"] = -5), "globalStep = -5: must be 0 or more");
        yield return ("NaN learning rate", Edit(m => m["learningRates"] = new JsonArray("NaN")), "learningRates[0] = \"NaN\"");
        yield return ("negative learning rate", Edit(m => m["learningRates"] = new JsonArray(-0.1)), "learningRates[0] = -0.1");
        yield return ("an ended run of no known reason", Edit(m => m["run"]!["ended"] = "Exploded"), "run.ended = \"Exploded\"");
        yield return ("a stop reason of the wrong type", Edit(m => m["run"]!["stopReasons"] = new JsonArray(42)), "run.stopReasons[0] = 42");
        yield return ("NaN best score", Edit(m => Callback(m, "EarlyStopping")["_best"] = "NaN"), "._best = NaN: it cannot be NaN");
        yield return ("negative wait", Edit(m => Callback(m, "EarlyStopping")["_wait"] = -3), "._wait = -3: it must be 0 or more");
        yield return ("negative plateau wait", Edit(m => Callback(m, "ReduceLROnPlateau")["_wait"] = -1), "._wait = -1: it must be 0 or more");
        yield return ("NaN plateau best", Edit(m => Callback(m, "ReduceLROnPlateau")["_best"] = "NaN"), "._best = NaN");
        yield return ("a wait of the wrong type", Edit(m => Callback(m, "EarlyStopping")["_wait"] = "soon"), "._wait is \"soon\", not a 32-bit integer");
        yield return ("kept_count = int.MaxValue", Edit(m => Callback(m, "Checkpoint")["kept_count"] = int.MaxValue), "kept_count = 2147483647: it must be between 0 and the number of entries");
        yield return ("a kept file named ../x", Edit(m => Callback(m, "Checkpoint")["kept_0_file"] = "../outside.ckpt"), "kept_0_file = \"../outside.ckpt\": it must be a plain .ckpt file name");
        yield return ("a kept file named by an absolute path", Edit(m => Callback(m, "Checkpoint")["kept_0_file"] = outsideFile), "must be a plain .ckpt file name");
        yield return ("a last file named ../x", Edit(m => Callback(m, "Checkpoint")["last_file"] = "../last.ckpt"), "last_file = \"../last.ckpt\"");
        yield return ("a best-weights entry outside the archive's names", Edit(m => Callback(m, "EarlyStopping")["best_weights"] = "../../model.bin"), "best_weights = \"../../model.bin\"");
        yield return ("a best-weights entry it does not hold", Edit(m => Callback(m, "EarlyStopping")["best_weights"] = "state/7.bin"), "has no entry 'state/7.bin'");
        yield return ("an unknown entry", WithExtraEntry("../../evil.sh"), "has an entry '../../evil.sh' that no checkpoint holds");
        yield return ("a model entry declaring 3 GiB", PatchDeclaredSize("model.bin", 3L << 30), "entry 'model.bin' declares 3221225472 bytes, more than the limit of 2147483648");
        yield return ("a manifest entry declaring 1 GiB", PatchDeclaredSize("checkpoint.json", 1L << 30), "entry 'checkpoint.json' declares 1073741824 bytes, more than the limit of 16777216");
        yield return ("a manifest entry declaring fewer bytes than it holds", PatchDeclaredSize("checkpoint.json", 40), "fails its CRC-32 check");
        yield return ("a flipped bit in the model", FlipModelByte(), "entry 'model.bin'");
        yield return ("a directory announcing 60,000 entries", PatchEntryCount(60_000), "announces 60000 entries");
        yield return ("no model.bin, though the module has model state", WithoutModel(), "has no model.bin, but the module has model state");
    }

    public byte[] Genuine => _genuine;

    private static JsonObject Callback(JsonObject manifest, string prefix)
    {
        foreach (KeyValuePair<string, JsonNode?> entry in manifest["callbacks"]!.AsObject())
        {
            if (entry.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return entry.Value!.AsObject();
            }
        }

        throw new InvalidOperationException("The genuine checkpoint has no state for " + prefix);
    }

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private byte[] Edit(Action<JsonObject> edit)
    {
        JsonObject manifest = JsonNode.Parse(ReadEntry("checkpoint.json"))!.AsObject();
        edit(manifest);
        return Manifest(manifest.ToJsonString());
    }

    private byte[] Manifest(string text) => Rezip(name => name == "checkpoint.json" ? Encoding.UTF8.GetBytes(text) : ReadEntry(name));

    private byte[] WithExtraEntry(string extra) => Rezip(ReadEntry, extra);

    private byte[] WithoutModel() => Rezip(name => name == "model.bin" ? null : ReadEntry(name));

    private byte[] Rezip(Func<string, byte[]?> content, string? extra = null)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (string name in EntryNames())
            {
                if (content(name) is { } bytes)
                {
                    using Stream stream = archive.CreateEntry(name).Open();
                    stream.Write(bytes);
                }
            }

            if (extra is not null)
            {
                using Stream stream = archive.CreateEntry(extra).Open();
                stream.Write("#!/bin/sh\n"u8);
            }
        }

        return output.ToArray();
    }

    private List<string> EntryNames()
    {
        using var archive = new ZipArchive(new MemoryStream(_genuine), ZipArchiveMode.Read);
        var names = new List<string>();
        foreach (ZipArchiveEntry entry in archive.Entries)
        {
            names.Add(entry.FullName);
        }

        return names;
    }

    private byte[] ReadEntry(string name)
    {
        using var archive = new ZipArchive(new MemoryStream(_genuine), ZipArchiveMode.Read);
        using Stream stream = archive.GetEntry(name)!.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>Sets the uncompressed size an entry's local and central headers declare.</summary>
    private byte[] PatchDeclaredSize(string name, long size)
    {
        byte[] bytes = (byte[])_genuine.Clone();
        (int central, int local) = FindEntry(bytes, name);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(central + 24), (uint)size);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), (uint)size);
        return bytes;
    }

    private byte[] FlipModelByte()
    {
        byte[] bytes = (byte[])_genuine.Clone();
        (int central, int local) = FindEntry(bytes, "model.bin");
        int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(local + 28));
        int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(central + 20));
        bytes[data + (compressed / 2)] ^= 0x10;
        return bytes;
    }

    private byte[] PatchEntryCount(ushort count)
    {
        byte[] bytes = (byte[])_genuine.Clone();
        int end = bytes.Length - 22;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 8), count);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(end + 10), count);
        return bytes;
    }

    /// <summary>The offsets of an entry's central-directory record and local header.</summary>
    private static (int Central, int Local) FindEntry(byte[] bytes, string name)
    {
        for (int i = 0; i + 46 < bytes.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) != 0x02014b50)
            {
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28));
            if (Encoding.UTF8.GetString(bytes, i + 46, length) == name)
            {
                return (i, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 42)));
            }
        }

        throw new InvalidOperationException("No entry " + name);
    }
}
