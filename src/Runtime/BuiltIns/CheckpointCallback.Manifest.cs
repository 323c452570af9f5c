using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>The checkpoint callback's manifest (<c>checkpoints.json</c>) and the reconciliation of its folder on resume.</summary>
public sealed partial class CheckpointCallback
{
    private const string ManifestFormat = "DreamTrainer.CheckpointManifest";
    private const int ManifestVersion = 3;

    /// <summary>
    /// Writes the manifest: the kept files (which exist), the last file, and every file this
    /// callback owns in the folder — the kept and last ones, one about to be written, one about to
    /// be deleted — so that a resume after a kill knows which files are its own.
    /// </summary>
    private void WriteManifest(List<KeptCheckpoint> kept, string? dropped)
    {
        var keptArray = new JsonArray();
        foreach (KeptCheckpoint item in kept)
        {
            keptArray.Add((JsonNode)new JsonObject
            {
                ["file"] = item.File,
                ["epoch"] = item.EpochIndex + 1,
                ["step"] = item.Step,
                ["score"] = _metric is not null && double.IsFinite(item.Score) ? JsonValue.Create(item.Score) : null,
            });
        }

        var owned = new SortedSet<string>(_owned, StringComparer.Ordinal);
        foreach (KeptCheckpoint item in kept)
        {
            owned.Add(item.File);
        }

        if (_lastFile is not null && SaveLast)
        {
            owned.Add(_lastFile);
        }

        if (dropped is not null)
        {
            owned.Add(dropped);
        }

        var ownedArray = new JsonArray();
        foreach (string file in owned)
        {
            ownedArray.Add((JsonNode)JsonValue.Create(file));
        }

        var manifest = new JsonObject
        {
            ["format"] = ManifestFormat,
            ["version"] = ManifestVersion,
            ["monitor"] = Monitor,
            ["mode"] = Mode.ToString().ToLowerInvariant(),
            ["best"] = kept.Count > 0 ? kept[0].File : null,
            ["last"] = _lastFile is not null && _files.Exists(InsideDirectory(_lastFile)) ? _lastFile : null,
            ["kept"] = keptArray,
            ["owned"] = ownedArray,
        };
        // Serialized where it is written (in the background, off the training thread): the tree is
        // this method's own and nothing changes it after.
        _files.WriteLater(Path.Combine(Directory, ManifestFileName), stream =>
        {
            using var writer = new Utf8JsonWriter(stream, JsonText.Indented);
            manifest.WriteTo(writer);
        });
    }

    /// <summary>
    /// A resume: the folder is brought to the state of the checkpoint resumed from. Files the
    /// manifest owns that this state does not keep (written after the checkpoint, or about to be
    /// deleted when the run was killed) are deleted — after the manifest stops listing them as kept,
    /// never the file resumed from, never a name that is not a plain checkpoint file name of this
    /// folder. Kept files that are gone leave the list, with a warning. <c>last.ckpt</c> is rewritten
    /// when the run resumed from another file, so it holds the resumed state.
    /// </summary>
    private void Reconcile(TrainerContext context)
    {
        // The manifest states the mode as a save would (a resume that ends at once saves nothing).
        if (_metric is not null && context.ResolveDirection(_metric.Name) is not null)
        {
            _metric.Resolve(context);
        }

        for (int i = _kept.Count - 1; i >= 0; i--)
        {
            if (!_files.Exists(InsideDirectory(_kept[i].File)))
            {
                context.Warn($"CheckpointCallback: the checkpoint keeps '{_kept[i].File}', which is no longer in '{Directory}'; it leaves the kept list.");
                _kept.RemoveAt(i);
            }
        }

        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeptCheckpoint item in _kept)
        {
            keep.Add(item.File);
        }

        if (_lastFile is not null)
        {
            keep.Add(_lastFile);
        }

        var stale = new List<string>();
        foreach (string file in ReadOwnedFiles(context))
        {
            if (!keep.Contains(file) && _files.Exists(InsideDirectory(file)) && !string.Equals(InsideDirectory(file), context.ResumePath, StringComparison.Ordinal))
            {
                stale.Add(file);
            }
        }

        _owned.Clear();
        _owned.UnionWith(keep);
        _owned.UnionWith(stale);
        WriteManifest(_kept, null);
        foreach (string file in stale)
        {
            _files.Delete(InsideDirectory(file));
            _owned.Remove(file);
        }

        if (SaveLast && _lastFile is not null && !string.Equals(InsideDirectory(_lastFile), context.ResumePath, StringComparison.Ordinal))
        {
            context.SaveCheckpoint(InsideDirectory(_lastFile));
        }

        WriteManifest(_kept, null);
    }

    /// <summary>
    /// The files the manifest on disk says this callback owns (kept, last, owned). The manifest is
    /// read bounded and validated like a checkpoint: one that cannot be read fails the resume with a
    /// <see cref="CheckpointFormatException"/> before anything in the folder changes (delete it to
    /// resume: it is rewritten); a name that is not a plain checkpoint file name of this folder is a
    /// warning and is never deleted.
    /// </summary>
    private List<string> ReadOwnedFiles(TrainerContext context)
    {
        var files = new List<string>();
        string path = Path.Combine(Directory, ManifestFileName);
        if (!File.Exists(path))
        {
            return files;
        }

        long limit = context.ReadLimits.MaxManifestBytes;
        var info = new FileInfo(path);
        if (info.Length > limit)
        {
            throw new CheckpointFormatException(path, $"is {info.Length} bytes, more than the limit of {limit} (CheckpointReadLimits.MaxManifestBytes).", null);
        }

        JsonObject manifest = BoundedJson.ParseObject(File.ReadAllBytes(path), (problem, inner) => new CheckpointFormatException(path, problem, inner));
        var fields = new ManifestFields(path, manifest);
        if (fields.String("format") != ManifestFormat)
        {
            throw fields.Fail("format", fields.Node("format"), $"must be \"{ManifestFormat}\"");
        }

        fields.Int32("version", 1, ManifestVersion);
        if (fields.Has("last"))
        {
            AddName(files, fields, "last", fields.Node("last"), context);
        }

        if (fields.Array("owned") is { } owned)
        {
            foreach (JsonNode? name in owned)
            {
                AddName(files, fields, "owned", name, context);
            }
        }

        if (fields.Array("kept") is { } kept)
        {
            for (int i = 0; i < kept.Count; i++)
            {
                AddName(files, fields, "kept", fields.Item("kept", kept, i).Node("file"), context);
            }
        }

        return files;
    }

    private static void AddName(List<string> files, ManifestFields fields, string key, JsonNode? node, TrainerContext context)
    {
        if (JsonFields.TryString(node, out string? file) && file is not null && IsPlainCheckpointName(file))
        {
            files.Add(file);
            return;
        }

        context.Warn($"CheckpointCallback: {fields.Key(key)} in '{ManifestFileName}' names {JsonFields.Show(node)}, not a checkpoint file of this folder; it is ignored.");
    }
}
