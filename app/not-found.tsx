import Link from "next/link";

/**
 * Shown for an unknown address, and for a record (dataset, image, training job, alert) that does
 * not exist or was deleted. Next renders this root boundary for notFound() in nested pages too,
 * so it names the likely causes and leads to each list.
 */
export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p role="alert">Nothing is at this address: the page does not exist, or the record it names (a dataset, an image, a training job, a model or an alert) was deleted or never existed.</p>
      <nav aria-label="Where to go instead">
        <ul>
          <li>
            <Link href="/datasets">Datasets</Link>
          </li>
          <li>
            <Link href="/train">Training jobs</Link>
          </li>
          <li>
            <Link href="/models">Models</Link>
          </li>
        </ul>
      </nav>
    </>
  );
}
