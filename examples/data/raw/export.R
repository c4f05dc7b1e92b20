# Exports the mixed-type example datasets in this folder from R data packages shipped by Debian.
#
# Run from this folder with Debian's R and packages installed:
#
#   apt-get install r-base-core r-cran-mlbench r-cran-cardata r-cran-ggplot2
#   Rscript export.R
#
# Tested with R 4.2.2, mlbench 2.1-3, carData 3.0-5, ggplot2 3.4.1 (Debian bookworm). For each
# dataset it writes NAME.csv and NAME.jsonl (gzipped with `gzip -9 -n` as NAME.csv.gz and
# NAME.jsonl.gz when over 1 MB):
#
# - CSV: RFC 4180 cells (a cell is double-quoted only when it holds a comma, a double quote or a
#   line break; a quote inside is doubled) with LF line ends, as the other CSV files here; one
#   header row; the feature columns, then the label column, named `label`; an empty cell for a
#   missing value (R's NA); a factor as its level string; a number as R's `as.character` prints it
#   (up to 15 significant digits, no exponent for these values).
# - JSON lines: one object per row, `{"features": {...}, "label": ...}`, features in the CSV's
#   column order; a factor as a JSON string, a number as a JSON number, a missing value as null.
#
# Row order: the order the package ships, except where that order would make a stream drift for
# reasons that have nothing to do with the data (sorted by class, or by a feature); those are
# permuted with `set.seed(42); sample(n)` (R >= 3.6's default "Rejection" sampler), as the
# diamonds stream in the test resources already is.

suppressMessages({
  library(mlbench)
  library(carData)
})

stopifnot(getRversion() >= "3.6.0")

# One cell as CSV text: "" for NA, quoted only when it must be.
csv_cell <- function(v) {
  out <- ifelse(is.na(v), "", as.character(v))
  needs <- grepl("[,\"\r\n]", out)
  out[needs] <- paste0("\"", gsub("\"", "\"\"", out[needs], fixed = TRUE), "\"")
  out
}

json_string <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  s <- gsub("\"", "\\\"", s, fixed = TRUE)
  s <- gsub("\n", "\\n", s, fixed = TRUE)
  s <- gsub("\r", "\\r", s, fixed = TRUE)
  s <- gsub("\t", "\\t", s, fixed = TRUE)
  stopifnot(!any(grepl("[[:cntrl:]]", s)))
  paste0("\"", s, "\"")
}

# One column as JSON values: null for NA, strings for factors and characters, numbers otherwise.
json_value <- function(v) {
  if (is.factor(v) || is.character(v)) {
    out <- json_string(as.character(v))
  } else {
    stopifnot(all(is.finite(v) | is.na(v)))
    out <- as.character(v)
    stopifnot(!any(grepl("e", out[!is.na(v)], fixed = TRUE)))
  }
  out[is.na(v)] <- "null"
  out
}

gzip_if_large <- function(path) {
  if (file.info(path)$size > 1024 * 1024) {
    status <- system2("gzip", c("-9", "-n", "-f", shQuote(path)))
    stopifnot(status == 0)
    path <- paste0(path, ".gz")
  }
  path
}

# Writes d (features in column order, then a column named label) as NAME.csv and NAME.jsonl.
export <- function(name, d) {
  stopifnot(names(d)[ncol(d)] == "label", !anyDuplicated(names(d)))
  rownames(d) <- NULL
  csv <- paste0(name, ".csv")
  lines <- do.call(paste, c(lapply(d, csv_cell), sep = ","))
  writeLines(c(paste(csv_cell(names(d)), collapse = ","), lines), csv, useBytes = TRUE)

  features <- d[, -ncol(d), drop = FALSE]
  keys <- paste0(json_string(names(features)), ": ")
  pairs <- mapply(function(key, column) paste0(key, json_value(column)), keys, features,
                  SIMPLIFY = FALSE, USE.NAMES = FALSE)
  body <- do.call(paste, c(pairs, sep = ", "))
  jsonl <- paste0(name, ".jsonl")
  writeLines(paste0("{\"features\": {", body, "}, \"label\": ", json_value(d$label), "}"), jsonl,
             useBytes = TRUE)

  files <- c(gzip_if_large(csv), gzip_if_large(jsonl))
  cat(sprintf("%-16s %6d rows %3d features %5d missing cells  %s\n", name, nrow(d), ncol(d) - 1,
              sum(is.na(d)), paste(files, collapse = " ")))
}

permuted <- function(d) {
  set.seed(42)
  d[sample(nrow(d)), , drop = FALSE]
}

with_label <- function(d, label) {
  out <- d[, setdiff(names(d), label), drop = FALSE]
  out$label <- d[[label]]
  out
}

# Soybean (mlbench): 35 coded factors (levels "0", "1", ...), 19 disease classes. The package is
# grouped by class (two passes through the classes, runs of 6 to 52 rows of one class), so the
# rows are permuted.
data(Soybean)
export("soybean", with_label(permuted(Soybean), "Class"))

# HouseVotes84 (mlbench): 16 votes "y"/"n" (NA: neither), party. Package order (not sorted: 185
# runs of one party, the longest 12). R names the votes V1..V16; they get the names of the
# documented votes here, in the same order.
data(HouseVotes84)
votes <- HouseVotes84
names(votes) <- c("Class", "handicapped_infants", "water_project_cost_sharing",
                  "adoption_of_the_budget_resolution", "physician_fee_freeze", "el_salvador_aid",
                  "religious_groups_in_schools", "anti_satellite_test_ban",
                  "aid_to_nicaraguan_contras", "mx_missile", "immigration",
                  "synfuels_corporation_cutback", "education_spending",
                  "superfund_right_to_sue", "crime", "duty_free_exports",
                  "export_administration_act_south_africa")
export("house_votes_84", with_label(votes, "Class"))

# TitanicSurvival (carData): sex, age (263 NA), passenger class; survived "no"/"yes". The package
# is sorted by passenger class and then by name (323 1st, 277 2nd, then 709 3rd class rows), and
# survival falls from 62% in 1st to 26% in 3rd class, so the rows are permuted. The row names
# (passenger names) are not exported.
export("titanic", with_label(permuted(TitanicSurvival), "survived"))

# Chile (carData): region, population, sex, age, education, income, statusquo (missing values in
# age, education, income and statusquo); vote "A" (abstain), "N", "U" (undecided), "Y". The 168
# rows without a vote are dropped (an example needs a label). The package is sorted by region
# (runs of 1 to 960 rows), so the 2,532 remaining rows are permuted.
labelled <- Chile[!is.na(Chile$vote), ]
export("chile", with_label(permuted(labelled), "vote"))

# diamonds (ggplot2): carat, cut, color, clarity, depth, table, x, y, z; price (USD) as the
# regression label. The package is sorted by price in 164 ascending runs of about 330 rows, so the
# rows are permuted, with the same permutation as the test resources' diamonds5k.csv.gz: its 5,000
# rows are the first 5,000 here, with cut, color and clarity as codes.
diamonds <- as.data.frame(ggplot2::diamonds)
export("diamonds", with_label(permuted(diamonds), "price"))
