import { describe, expectTypeOf, it } from "vitest";
import type { ApiKeyRow, UserRow } from "@/lib/contracts/http/accounts";
import type { NewReviewComment, Revision, ReviewComment } from "@/lib/contracts/http/labels";
import type { AlertDetailView, AlertRowView, MonitoringDashboardView } from "@/lib/contracts/http/monitoring";
import type { TrainingJobDetail, trainingJobRowSchema } from "@/lib/contracts/http/training";
import type { z } from "zod";
import { listApiKeys } from "../auth/api-keys";
import { createUser, listUsers } from "../auth/users";
import { listRevisions } from "../labels/annotations";
import { addComment, listComments } from "../labels/review-comments";
import { getAlert, listAlerts, triageAlert } from "../monitoring/alerts";
import { monitoringDashboard } from "../monitoring/dashboard";
import { rootCause } from "../monitoring/root-cause";
import { listTrainingJobs, trainingJobDetail } from "../training/training-jobs";

/**
 * Functions that answer with database rows (Dates, vocabularies as plain string columns) keep
 * their row types, since pages and the worker use them too; these checks make tsc fail when a
 * row and the contract it is sent as drift apart. (Functions that build their answer declare the
 * contract as their return type instead.)
 */

/** What JSON.stringify makes of a value: Dates become ISO strings. */
type Serialized<T> = T extends Date ? string : T extends ReadonlyArray<infer Item> ? Serialized<Item>[] : T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;

/** A contract with its vocabularies widened to string: a stored vocabulary is a string column, and the client's parse holds it to the list. */
type Widened<T> = T extends string ? string : T extends ReadonlyArray<infer Item> ? Widened<Item>[] : T extends object ? { [K in keyof T]: Widened<T[K]> } : T;

type Answer<F extends (...args: never[]) => unknown> = Serialized<NonNullable<Awaited<ReturnType<F>>>>;

describe("database rows sent as answers", () => {
  it("serialise to their contracts", () => {
    expectTypeOf<Answer<typeof listUsers>>().toExtend<Widened<UserRow>[]>();
    expectTypeOf<Answer<typeof createUser>>().toExtend<Widened<UserRow>>();
    expectTypeOf<Answer<typeof listApiKeys>>().toExtend<Widened<ApiKeyRow>[]>();
    expectTypeOf<Answer<typeof listComments>>().toExtend<Widened<ReviewComment>[]>();
    expectTypeOf<Answer<typeof addComment>>().toExtend<Widened<NewReviewComment>>();
    expectTypeOf<Answer<typeof listRevisions>>().toExtend<Widened<Revision>[]>();
    expectTypeOf<Answer<typeof listTrainingJobs>>().toExtend<Widened<z.infer<typeof trainingJobRowSchema>>[]>();
    expectTypeOf<Answer<typeof trainingJobDetail>["logs"]>().toExtend<Widened<TrainingJobDetail["logs"]>>();
    // The job's config is still sent as the column holds it (not parsed on read), so only its other fields can be held to the contract.
    expectTypeOf<Omit<Answer<typeof trainingJobDetail>["job"], "config">>().toExtend<Omit<Widened<TrainingJobDetail["job"]>, "config">>();
    expectTypeOf<Answer<typeof listAlerts>>().toExtend<Widened<AlertRowView>[]>();
    expectTypeOf<Answer<typeof getAlert>>().toExtend<Widened<AlertDetailView["alert"]>>();
    expectTypeOf<Answer<typeof triageAlert>>().toExtend<Widened<AlertDetailView["alert"]>>();
    expectTypeOf<Answer<typeof monitoringDashboard>>().toExtend<Widened<MonitoringDashboardView>>();
    expectTypeOf<Answer<typeof rootCause>>().toExtend<Widened<AlertDetailView["rootCause"]>>();
  });
});
