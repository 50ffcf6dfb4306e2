"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { PresetDefaults } from "@/lib/contracts/http/training";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS, RECOMMENDED_DETECTOR_FAMILY, type DetectorFamilyId } from "@/lib/domain/detector-families";
import { launchTraining } from "../api-hooks";
import { Checkbox } from "../ui/checkbox";
import { Select } from "../ui/select";
import { FormError, useSubmit } from "../use-submit";

type Kind = DetectorFamilyId;
type Preset = keyof PresetDefaults[Kind];
type Settings = PresetDefaults[Kind][Preset] & { minutes: string; backend: string; crossValidationFolds: number; maskJudge: boolean; largerDetectionSizes: boolean };

const AUGMENT_LABELS = { scale: "Scale", translate: "Shift", brightness: "Brightness", contrast: "Contrast", saturation: "Saturation" } as const;
const PRESET_LABELS: Record<Preset, string> = {
  "quick-cpu": "Quick CPU: face-trained backbone frozen, heads trained on cached features",
  "full-gpu": "Full GPU: the whole network fine-tuned (needs a GPU worker to be quick)",
};

/** ML leads queue a training job; a worker picks it up. The presets' values come from the server. */
export function NewTrainingJobForm({ datasets, presets, initialDatasetId }: { datasets: Array<{ id: string; name: string }>; presets: PresetDefaults; initialDatasetId?: string }) {
  const router = useRouter();
  const [datasetId, setDatasetId] = useState(datasets.find((d) => d.id === initialDatasetId)?.id ?? datasets[0]?.id ?? "");
  const [kind, setKind] = useState<Kind>(RECOMMENDED_DETECTOR_FAMILY);
  const [preset, setPreset] = useState<Preset>("quick-cpu");
  const [settings, setSettings] = useState<Settings>({ ...presets[RECOMMENDED_DETECTOR_FAMILY]["quick-cpu"], minutes: "", backend: "auto", crossValidationFolds: 0, maskJudge: true, largerDetectionSizes: true });

  const choose = (nextKind: Kind, nextPreset: Preset) => {
    setKind(nextKind);
    setPreset(nextPreset);
    setSettings((s) => ({ ...s, ...presets[nextKind][nextPreset] }));
  };
  const set = (key: keyof Settings) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setSettings((s) => ({ ...s, [key]: event.target.type === "number" ? Number(event.target.value) : event.target.value }));
  const choice = <K extends keyof Settings>(key: K) => (value: Settings[K]) => setSettings((s) => ({ ...s, [key]: value }));

  const { pending, error, submit } = useSubmit(
    () => {
      const { minutes, mosaic, crossValidationFolds, ...rest } = settings;
      if (crossValidationFolds > 0) Object.assign(rest, { crossValidationFolds });
      // Mosaic exists only for families that train on mosaics, trained on images.
      if (DETECTOR_FAMILY_CATALOGUE[kind].mosaic && !settings.freezeBackbone) Object.assign(rest, { mosaic });
      return launchTraining({ datasetId, kind, config: { preset, ...rest, ...(minutes ? { minutes: Number(minutes) } : {}) } });
    },
    ({ id }) => router.push(`/train/${id}`),
  );

  return (
    <form className="import-form" onSubmit={submit} aria-label="New training job">
      <Select label="Dataset" value={datasetId} onValueChange={setDatasetId} options={datasets.map((d) => ({ value: d.id, label: d.name }))} placeholder="no dataset yet" />
      <Select label="Model" value={kind} onValueChange={(next) => choose(next as Kind, preset)} options={DETECTOR_FAMILY_IDS.map((k) => ({ value: k, label: DETECTOR_FAMILY_CATALOGUE[k].label }))} />
      <Select label="Preset" value={preset} onValueChange={(next) => choose(kind, next as Preset)} options={(Object.keys(PRESET_LABELS) as Preset[]).map((p) => ({ value: p, label: PRESET_LABELS[p] }))} />
      <div className="filters">
        <Select
          label="Backbone"
          value={settings.backbone}
          onValueChange={(next) => choice("backbone")(next as Settings["backbone"])}
          options={[
            { value: "face-mobilenet-v1", label: "face-trained MobileNetV1 (pretrained)" },
            { value: "scratch", label: "MobileNetV1 from scratch" },
          ]}
        />
        <Checkbox checked={settings.freezeBackbone} disabled={settings.backbone === "scratch"} onCheckedChange={choice("freezeBackbone")} label="Freeze backbone (cache its features)" />
        {settings.freezeBackbone ? null : (
          <label>
            Backbone frozen for the first <input type="number" min={0} max={500} value={settings.frozenEpochs} onChange={set("frozenEpochs")} /> epochs
          </label>
        )}
        <Select
          label="Width"
          value={settings.width}
          onValueChange={(next) => choice("width")(next as Settings["width"])}
          options={[
            { value: "n", label: "n (small)" },
            { value: "s", label: "s (larger)" },
          ]}
        />
        <label>
          Training input size (px) <input type="number" min={128} max={1024} step={32} value={settings.inputSize} onChange={set("inputSize")} />
        </label>
        <label>
          Epochs <input type="number" min={1} max={500} value={settings.epochs} onChange={set("epochs")} />
        </label>
        <label>
          Time budget (min, optional) <input type="number" min={1} value={settings.minutes} onChange={set("minutes")} />
        </label>
        <label>
          Batch size <input type="number" min={1} max={128} value={settings.batchSize} onChange={set("batchSize")} />
        </label>
        <label>
          Peak learning rate <input type="number" min={0.00001} max={1} step="any" value={settings.learningRate} onChange={set("learningRate")} />
        </label>
      </div>
      <fieldset aria-label="Augmentations">
        <legend>Augmentations</legend>
        <div className="filters">
        <Checkbox checked={settings.flip} onCheckedChange={choice("flip")} label="Horizontal flips" />
        {(["scale", "translate", "brightness", "contrast", "saturation"] as const).map((key) => (
          <label key={key}>
            {AUGMENT_LABELS[key]} ± <input type="number" className="narrow" min={0} max={key === "translate" ? 0.5 : 0.9} step={0.05} value={settings.augment[key]} onChange={(e) => setSettings((s) => ({ ...s, augment: { ...s.augment, [key]: Number(e.target.value) } }))} />
          </label>
        ))}
        {settings.freezeBackbone ? (
          <label>
            Jittered copies cached per image <input type="number" min={0} max={8} value={settings.cachedAugmentations} onChange={set("cachedAugmentations")} />
          </label>
        ) : DETECTOR_FAMILY_CATALOGUE[kind].mosaic ? (
          <label>
            Mosaic probability <input type="number" min={0} max={1} step={0.05} value={settings.mosaic} onChange={set("mosaic")} />
          </label>
        ) : null}
        </div>
      </fieldset>
      <div className="filters">
        <Checkbox checked={settings.maskJudge} onCheckedChange={choice("maskJudge")} label="Mask judge: re-judge each found face on a full-resolution crop, and turn down finds that are not faces (left out if it lowers val mAP50)" />
      </div>
      <div className="filters">
        <Checkbox checked={settings.largerDetectionSizes} onCheckedChange={choice("largerDetectionSizes")} label="Larger detection sizes: also try detecting at 1.5× and 2× the training input size, and keep whichever does best on val (small faces are found more often; a larger size is slower to serve)" />
      </div>
      <div className="filters">
        <Select
          label="Backend"
          value={settings.backend}
          onValueChange={choice("backend")}
          options={[
            { value: "auto", label: "automatic (WebGPU on a GPU worker, else wasm)" },
            { value: "webgpu", label: "webgpu" },
            { value: "wasm", label: "wasm" },
            { value: "cpu", label: "cpu" },
          ]}
        />
      </div>
      <div className="filters">
        <label>
          Cross-validation folds (label audit; 0 = train one model){" "}
          <input type="number" min={0} max={10} value={settings.crossValidationFolds} onChange={set("crossValidationFolds")} />
        </label>
      </div>
      {settings.crossValidationFolds > 0 ? (
        <p className="muted small">
          A label audit trains {Math.max(2, settings.crossValidationFolds)} models, one per fold of every labelled image (train, val and test), each predicting the fold it did not train on; it registers no model. The out-of-fold predictions feed the label-issue finder over the whole dataset. It takes about {Math.max(2, settings.crossValidationFolds)}× a training job.
        </p>
      ) : null}
      <p className="muted small">
        Schedule: linear warm-up, then cosine decay. With a frozen backbone the augmentations are applied once, to the cached copies; on images every sample is augmented afresh. Images with the rare classes are shown more often (repeat-factor sampling). Trains on the train split, picks the epoch with the best val mAP50; the test split is left for evaluation.
      </p>
      <button type="submit" disabled={pending || !datasetId}>
        {pending ? "Queuing…" : settings.crossValidationFolds > 0 ? "Start label audit" : "Start training"}
      </button>
      <FormError error={error} />
    </form>
  );
}
