// The tangram mark: seven pieces, one square.
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <path fill="#1f4fd6" d="M4 4h56L32 32z" />
      <path fill="#f5a623" d="M4 4v56l28-28z" />
      <path fill="#2bb673" d="M60 4v28L46 18z" />
      <path fill="#e5484d" d="M32 32l14-14 14 14-14 14z" />
      <path fill="#8e4ec6" d="M4 60h28L18 46z" />
      <path fill="#12a5b8" d="M32 32L18 46l14 14h28z" />
    </svg>
  );
}
