import { ImportForm } from "@/components/import-form";
import { requirePageUser } from "@/app/_server/page-auth";

export default async function ImportPage() {
  await requirePageUser("datasets.import");
  return (
    <>
      <h1>Import a dataset</h1>
      <p className="muted">
        Pascal VOC: <code>Annotations/*.xml</code> with <code>JPEGImages/</code> (or <code>images/</code>) and optional <code>ImageSets/Main</code> splits, or
        images and XML files side by side. Every file is verified; the report opens when the import is done. From a terminal:{" "}
        <code>npm run import -- path/to/folder --name my-dataset</code>.
      </p>
      <ImportForm />
    </>
  );
}
