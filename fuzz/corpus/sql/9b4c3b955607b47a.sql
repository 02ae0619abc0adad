SELECT timestamp, date, hour(timestamp), year(date) FROM nested
