SELECT _1, _2 FROM nested
