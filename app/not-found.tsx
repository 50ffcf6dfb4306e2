import Link from "next/link";

/** Shown for an unknown address, and for a record (dataset, image, job, alert) that does not exist or was deleted. */
export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p role="alert">Nothing is at this address: the page does not exist, or the record it names was deleted or never existed.</p>
      <p>
        <Link href="/datasets">Back to the datasets</Link>
      </p>
    </>
  );
}
