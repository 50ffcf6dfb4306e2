import Link from "next/link";

/** An unknown or deleted training job: say so and lead back to the list, instead of a bare 404. */
export default function TrainingJobNotFound() {
  return (
    <>
      <p className="crumbs">
        <Link href="/train">← Train</Link>
      </p>
      <h1>No such training job</h1>
      <p role="alert">There is no training job with this id: it was deleted with its dataset, or the link is mistyped. Every job still kept is listed on the Train page.</p>
      <p>
        <Link href="/train">Back to the training jobs</Link>
      </p>
    </>
  );
}
