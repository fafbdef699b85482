import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  api,
  ApiError,
  buildUrl,
  fieldNameFromPath,
  NetworkError,
  readCookie,
  setRequestLanguage,
  setUnauthorizedHandler,
  splitFieldErrors,
  toProblem,
} from "./client";

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
  });
}

let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;
let unauthorized: ReturnType<typeof vi.fn<() => void>>;

beforeEach(() => {
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("document", { cookie: "theme=dark; qiqiao_csrf=tok%2Fen%3D123; other=x" });
  unauthorized = vi.fn<() => void>();
  setUnauthorizedHandler(unauthorized);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function sentInit(): RequestInit {
  return fetchMock.mock.calls[0][1] as RequestInit;
}

describe("the fetch wrapper", () => {
  it("sends the CSRF cookie's value as X-CSRF-Token on writes", async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 1 }));
    await api.post("/api/admin/roles", { key: "sales", name: "Sales" });
    const init = sentInit();
    expect((init.headers as Record<string, string>)["X-CSRF-Token"]).toBe("tok/en=123");
    expect(init.credentials).toBe("same-origin");
    expect(init.method).toBe("POST");
    expect(init.body).toBe(JSON.stringify({ key: "sales", name: "Sales" }));
  });

  it.each(["PATCH", "DELETE"] as const)("sends the CSRF header on %s", async (method) => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    if (method === "PATCH") await api.patch("/api/auth/me", { locale: "en" });
    else await api.delete("/api/auth/tokens/3");
    expect((sentInit().headers as Record<string, string>)["X-CSRF-Token"]).toBe("tok/en=123");
  });

  it("tells the server the UI language", async () => {
    setRequestLanguage("zh-CN");
    fetchMock.mockResolvedValue(jsonResponse(200, {}));
    await api.get("/api/auth/me");
    expect((sentInit().headers as Record<string, string>)["Accept-Language"]).toBe("zh-CN");
  });

  it("does not send the CSRF header on reads, but does send cookies", async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [] }));
    await api.get("/api/admin/users", { q: "li", role_id: undefined, offset: 0 });
    expect(fetchMock.mock.calls[0][0]).toBe("/api/admin/users?q=li&offset=0");
    const init = sentInit();
    expect((init.headers as Record<string, string>)["X-CSRF-Token"]).toBeUndefined();
    expect(init.credentials).toBe("same-origin");
  });

  it("returns undefined for 204 No Content", async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(api.post("/api/auth/logout")).resolves.toBeUndefined();
  });

  it("turns problem+json into an ApiError with field errors", async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(422, {
        type: "https://qiqiao.dev/problems/validation",
        title: "Validation failed",
        status: 422,
        detail: "Some fields are invalid",
        errors: [{ path: "body.username", message: "already taken" }],
      }),
    );
    const error = await api.post("/api/admin/users", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const { problem, status } = error as ApiError;
    expect(status).toBe(422);
    expect(problem.detail).toBe("Some fields are invalid");
    expect(problem.errors).toEqual([{ path: "body.username", message: "already taken" }]);
  });

  it("reads Retry-After on 429", async () => {
    fetchMock.mockResolvedValue(jsonResponse(429, { title: "Too Many Requests", status: 429 }, { "Retry-After": "30" }));
    const error = (await api.post("/api/auth/login", {}, { redirectOn401: false }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(30);
  });

  it("sends the person to sign in on 401", async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { title: "Unauthorized", status: 401 }));
    await expect(api.get("/api/auth/me")).rejects.toBeInstanceOf(ApiError);
    expect(unauthorized).toHaveBeenCalledTimes(1);
  });

  it("keeps a failed login on the login form (no redirect)", async () => {
    fetchMock.mockResolvedValue(jsonResponse(401, { title: "Unauthorized", status: 401, detail: "Wrong username or password" }));
    const error = (await api
      .post("/api/auth/login", { username: "a", password: "b" }, { redirectOn401: false })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(unauthorized).not.toHaveBeenCalled();
  });

  it("reports an unreachable server as a NetworkError", async () => {
    fetchMock.mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(api.get("/api/version")).rejects.toBeInstanceOf(NetworkError);
  });

  it("keeps a non-JSON error body as the detail", async () => {
    fetchMock.mockResolvedValue(new Response("Bad Gateway", { status: 502, statusText: "Bad Gateway" }));
    const error = (await api.get("/api/version").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.problem.detail).toBe("Bad Gateway");
  });
});

describe("problem parsing", () => {
  it("accepts FastAPI's own validation shape", () => {
    const p = toProblem(422, "Unprocessable Entity", {
      detail: [{ loc: ["body", "email"], msg: "value is not a valid email address", type: "value_error" }],
    });
    expect(p.errors).toEqual([{ path: "body.email", message: "value is not a valid email address" }]);
    expect(p.title).toBe("Unprocessable Entity");
  });

  it("names the field by the last named segment of the path", () => {
    expect(fieldNameFromPath("body.username")).toBe("username");
    expect(fieldNameFromPath("/password")).toBe("password");
    expect(fieldNameFromPath("role_ids.0")).toBe("role_ids");
    expect(fieldNameFromPath("role_ids[1]")).toBe("role_ids");
    expect(fieldNameFromPath("")).toBeUndefined();
  });

  it("splits errors into those shown at fields and the rest", () => {
    const p = toProblem(422, "", {
      errors: [
        { path: "body.username", message: "already taken" },
        { path: "body.username", message: "too short" },
        { path: "body.tenant", message: "unknown tenant" },
      ],
    });
    const { fields, other } = splitFieldErrors(p, ["username", "password"]);
    expect(fields.get("username")).toEqual(["already taken", "too short"]);
    expect(other).toEqual(["unknown tenant"]);
  });
});

describe("helpers", () => {
  it("reads a cookie by exact name", () => {
    expect(readCookie("qiqiao_csrf", "xqiqiao_csrf=no; qiqiao_csrf=yes")).toBe("yes");
    expect(readCookie("missing", "a=b")).toBeUndefined();
  });

  it("builds query strings without empty values", () => {
    expect(buildUrl("/api/admin/audit", { action: "", actor_id: 3, before_id: undefined })).toBe(
      "/api/admin/audit?actor_id=3",
    );
  });
});
