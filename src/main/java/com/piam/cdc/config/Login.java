package com.piam.cdc.config;

/** A database user and its password. {@code toString} never shows the password, so a login logged by mistake leaks nothing. */
public record Login(String user, String password) {

    @Override
    public String toString() {
        return user;
    }
}
