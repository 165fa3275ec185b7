"""Dataset sizes, modelled on Moodle's test-course generator (XS … XL)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    leaders: int
    organisations: int
    group_size: int = 10
    areas_per_organisation: int = 3

    @property
    def groups(self) -> int:
        return max(self.organisations, round(self.leaders / self.group_size))


SIZES = {
    size.name: size
    for size in (
        Size("XS", 10, 2),
        Size("S", 100, 2),
        Size("M", 1_000, 2),
        Size("L", 10_000, 2),
        Size("XL", 50_000, 50),
    )
}

# Every generated person signs in with this password; the hash is computed once per dataset.
BENCH_PASSWORD = "bench-adgangskode"
BENCH_DOMAIN = "bench.example"
ADMIN_EMAIL = f"admin@{BENCH_DOMAIN}"
EDITOR_EMAIL = f"redaktoer@{BENCH_DOMAIN}"


def leader_email(number: int) -> str:
    return f"leder{number}@{BENCH_DOMAIN}"


def facilitator_email(number: int) -> str:
    return f"facilitator{number}@{BENCH_DOMAIN}"


def coordinator_email(number: int) -> str:
    return f"koordinator{number}@{BENCH_DOMAIN}"
