# %% [markdown]
# # 5. Landsdeel Oost: Overijssel and Gelderland against the Netherlands
#
# Techniekpact Oost kept the national goal per level: "40% instroom in bètatechnische studies in
# 2020", with "Instroom in technische studies naar 40% in mbo en hbo" among its priorities
# (*Notitie doorontwikkeling Techniekpact Oost 2020*). The published monitor has no regional
# series, so all series here are computed from the DUO open-data files, **in exactly the same
# way for the Netherlands, Oost, Overijssel and Gelderland**: the national line in these
# figures is therefore not the monitor's headline figure, but it is comparable with the regions.
#
# Two caveats to keep in mind:
#
# * **Regions are where the institution is**, not where the student lives (a student from
#   Overijssel at a university in Utrecht counts for Utrecht).
# * **vo figures are exam candidates (2019/20-2023/24)** standing in for profile choice, and the
#   **mbo figures are all participants**, not first-years: both are proxies.

# %% tags=["parameters"]
TARGET = 0.40
TARGET_YEAR = 2020
SEED = 0
N_PATHS = 2000
REGIONS = ["NL", "Oost", "Overijssel", "Gelderland"]
INTAKE_LEVELS = ["mbo", "hbo", "wo", "ho"]
VO_LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo"]

# %%
import matplotlib

matplotlib.use("Agg")  # figures are shown explicitly with an.show(...)

import matplotlib.pyplot as plt
import pandas as pd

import tpforecast as tp
from tpforecast.report import analysis as an

pd.set_option("display.width", 120)
series = tp.load_series()
targets = tp.load_targets()
intake = an.regional_comparison(series, INTAKE_LEVELS, REGIONS)
vo = an.regional_comparison(series, VO_LEVELS, REGIONS)

# %% [markdown]
# ## mbo, hbo, wo and ho: the intake levels of the 40% goal

# %%
latest = intake.loc[intake["year"] == intake["year"].max()]
latest.pivot_table(index=["level", "indicator"], columns="region", values="share",
                   sort=False)[REGIONS].round(3)

# %%
duo = series.loc[(series["origin"] == "duo") & (series["sex"] == "all")
                 & series["region"].isin(REGIONS)]
fig, axes = plt.subplots(2, 2, figsize=(12, 8), layout="constrained")
for ax, level in zip(axes.ravel(), INTAKE_LEVELS, strict=True):
    rows = duo.loc[(duo["level"] == level) & duo["indicator"].isin(intake["indicator"])]
    tp.plot_series(rows, ax=ax, hue="region", targets=TARGET, source=False,
                   title=f"{level}: {rows['indicator'].iloc[0]}")
fig.suptitle("Share choosing technique by region (DUO, computed the same way for all four)",
             fontweight="bold")
fig.text(0.01, 0.002, "Source: DUO open onderwijsdata; region = location of the institution; "
         "mbo = all participants (sector techniek), hbo/wo = first-years.", fontsize=7.5,
         color="#555555")
fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # room for the source line
an.show(fig)

# %%
change = intake.loc[intake["year"].isin([2015, 2019])].pivot_table(
    index=["level", "region"], columns="year", values="share", sort=False)
change["change_pp_per_year"] = 100 * (change[2019] - change[2015]) / 4
change.round(3)

# %% [markdown]
# ## The regional targets: reachability of 40% in 2020/21
#
# Each DUO series (2015/16-2019/20) against the 40% goal of its region for 2020/21, with all
# data (the last observation is 2019/20, one year before the target year).

# %%
reg = tp.reachability(duo.loc[duo["level"].isin(INTAKE_LEVELS)
                              & duo["indicator"].isin(intake["indicator"])],
                      targets, as_of=None, seed=SEED, n_paths=N_PATHS, progress=False)
reg = reg.loc[reg["target_year"] == TARGET_YEAR]
reg["_r"] = reg["region"].map({r: i for i, r in enumerate(REGIONS)})
reg = reg.sort_values(["level", "_r"]).drop(columns="_r")
reg[["level", "region", "last_year", "last_share", "mean", "lo_80", "hi_80", "p_reach",
     "required_pp_per_year", "historic_pp_per_year"]].round(3)

# %%
for r in reg.itertuples(index=False):
    print(f"P({r.level}, {r.region} >= {r.target:.0%} in {r.target_year}/"
          f"{(r.target_year + 1) % 100} | data to {r.last_year}/{(r.last_year + 1) % 100}) = "
          f"{r.p_reach:.0%}; last share {r.last_share:.1%}, needed "
          f"{r.required_pp_per_year:+.1f} points in one year")

# %% [markdown]
# No region was anywhere near 40% in mbo or hbo, and none could have got there in one year
# (9 to 22 points short). Overijssel is ahead of the Netherlands at every level (mbo 31% vs
# 27%, hbo 22.5% vs 20.8%), and Gelderland behind. Much of that is where the institutions are:
# wo in Overijssel is 61% technical because its university is the technical University of
# Twente, while Gelderland's universities (Nijmegen, Wageningen) give 12%; wo Overijssel is the
# only series above 40%, an institution effect rather than a choice effect. The "lichte groei
# van de instroom (1% per niveau)" that Overijssel reported is not visible in these figures for
# 2015/16-2019/20 except in wo (+1.2 points a year); mbo and hbo were flat or slightly down.
#
# ## vo: profile choice proxied by exam candidates (2019/20-2023/24)
#
# Share of exam candidates with a technical profile (vmbo), an N-profile (havo/vwo: NT and/or
# NG) per region. These are the pupils who chose their profile two to three years earlier.

# %%
vo_latest = vo.loc[vo["year"] == vo["year"].max()]
vo_latest.pivot_table(index=["level", "indicator"], columns="region", values="share",
                      sort=False)[REGIONS].round(3)

# %%
rows = series.loc[(series["origin"] == "duo") & (series["sex"] == "all")
                  & series["region"].isin(REGIONS)
                  & (series["indicator"] == "duo_vo_exam_nprofile")]
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
for ax, level in zip(axes, ["havo", "vwo"], strict=True):
    tp.plot_series(rows.loc[rows["level"] == level], ax=ax, hue="region", targets=0.55,
                   source=False, title=f"{level}: exam candidates with an N-profile")
fig.suptitle("havo and vwo exam candidates with an N-profile, by region", fontweight="bold")
fig.text(0.01, 0.002, "Source: DUO open onderwijsdata (exam candidates, a proxy of profile "
         "choice); region = location of the school; dashed: the 55% havo/vwo ambition.",
         fontsize=7.5, color="#555555")
fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))  # room for the source line
an.show(fig)

# %% [markdown]
# In vo, too, Overijssel has the highest shares of technical profiles in vmbo bb and kb and
# of N-profiles (NT and/or NG) in havo and vwo, but not everywhere: in vmbo gl/tl and in havo
# NT it is below the national share. Landsdeel Oost is within about two points of the
# Netherlands, on either side. The trend is the same everywhere: the havo N-profile share among
# exam candidates fell from 41% in 2019/20 to 36% in 2023/24 nationally; vwo stays around the
# 55% ambition, havo is far below it. The vmbo gl/tl row is the share with a technical
# profile, not the NaSk package of the 40% gl/tl ambition, so it cannot be held against that
# ambition.
#
# ## What this means
#
# Landsdeel Oost, Overijssel and Gelderland were no closer to their own 40% goal for 2020/21
# than the Netherlands: in mbo, hbo and ho every region was 8 to 25 points short in 2019/20,
# with flat shares, so the probability of 40% a year later was nil everywhere (printed above);
# the one exception, wo in Overijssel, was above 40% all along, largely because of the
# University of Twente. Part of Overijssel's lead over the Netherlands and of Gelderland's lag
# (in wo nearly all of it) reflects which institutions are where, not only what young people in
# each province choose: these series count students where they study. The vo figures (exam
# candidates) are a proxy of profile choice and show the same picture: Overijssel mostly ahead,
# havo falling everywhere. The reported "1% per niveau" growth does not show in these counts for
# 2015/16-2019/20, except in wo.
