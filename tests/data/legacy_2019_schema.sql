-- Copied from the 2019 SimpleLogin schema that the import_legacy command reads (the Flask version's SQLAlchemy
-- models on SQLite; docs/upgrading-from-2019.md). Kept here so the tests build a real 2019 database from it.
-- Schema of the 2019 Flask SimpleLogin database, as its SQLAlchemy models created it on SQLite.
-- (PostgreSQL deployments had the same tables and columns.)
CREATE TABLE file (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    path VARCHAR(128) NOT NULL, 
    PRIMARY KEY (id), 
    UNIQUE (path)
);

CREATE TABLE users (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    email VARCHAR(128) NOT NULL, 
    salt VARCHAR(128) NOT NULL, 
    password VARCHAR(128) NOT NULL, 
    name VARCHAR(128) NOT NULL, 
    is_admin BOOLEAN NOT NULL, 
    activated BOOLEAN NOT NULL, 
    "plan" VARCHAR(7) DEFAULT 'free' NOT NULL, 
    plan_expiration DATETIME, 
    stripe_customer_id VARCHAR(128), 
    stripe_card_token VARCHAR(128), 
    stripe_subscription_id VARCHAR(128), 
    profile_picture_id INTEGER, 
    is_developer BOOLEAN DEFAULT '0' NOT NULL, 
    promo_codes TEXT, 
    PRIMARY KEY (id), 
    UNIQUE (email), 
    CHECK (is_admin IN (0, 1)), 
    CHECK (activated IN (0, 1)), 
    CONSTRAINT planenum CHECK ("plan" IN ('free', 'trial', 'monthly', 'yearly')), 
    UNIQUE (stripe_customer_id), 
    UNIQUE (stripe_card_token), 
    UNIQUE (stripe_subscription_id), 
    FOREIGN KEY(profile_picture_id) REFERENCES file (id), 
    CHECK (is_developer IN (0, 1))
);

CREATE TABLE activation_code (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    user_id INTEGER NOT NULL, 
    code VARCHAR(128) NOT NULL, 
    expired DATETIME, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade, 
    UNIQUE (code)
);

CREATE TABLE reset_password_code (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    user_id INTEGER NOT NULL, 
    code VARCHAR(128) NOT NULL, 
    expired DATETIME NOT NULL, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade, 
    UNIQUE (code)
);

CREATE TABLE partner (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    email VARCHAR(128), 
    name VARCHAR(128), 
    website VARCHAR(1024), 
    additional_information TEXT, 
    user_id INTEGER, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade
);

CREATE TABLE client (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    oauth_client_id VARCHAR(128) NOT NULL, 
    oauth_client_secret VARCHAR(128) NOT NULL, 
    name VARCHAR(128) NOT NULL, 
    home_url VARCHAR(1024), 
    published BOOLEAN NOT NULL, 
    user_id INTEGER NOT NULL, 
    icon_id INTEGER, 
    PRIMARY KEY (id), 
    UNIQUE (oauth_client_id), 
    CHECK (published IN (0, 1)), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade, 
    FOREIGN KEY(icon_id) REFERENCES file (id)
);

CREATE TABLE gen_email (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    user_id INTEGER NOT NULL, 
    email VARCHAR(128) NOT NULL, 
    enabled BOOLEAN NOT NULL, 
    PRIMARY KEY (id), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade, 
    UNIQUE (email), 
    CHECK (enabled IN (0, 1))
);

CREATE TABLE redirect_uri (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    client_id INTEGER NOT NULL, 
    uri VARCHAR(1024) NOT NULL, 
    PRIMARY KEY (id), 
    FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE cascade
);

CREATE TABLE authorization_code (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    code VARCHAR(128) NOT NULL, 
    client_id INTEGER NOT NULL, 
    user_id INTEGER NOT NULL, 
    scope VARCHAR(128), 
    redirect_uri VARCHAR(1024), 
    PRIMARY KEY (id), 
    UNIQUE (code), 
    FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE cascade, 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade
);

CREATE TABLE oauth_token (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    access_token VARCHAR(128), 
    client_id INTEGER NOT NULL, 
    user_id INTEGER NOT NULL, 
    scope VARCHAR(128), 
    redirect_uri VARCHAR(1024), 
    PRIMARY KEY (id), 
    UNIQUE (access_token), 
    FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE cascade, 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade
);

CREATE TABLE client_user (
    id INTEGER NOT NULL, 
    created_at DATETIME NOT NULL, 
    updated_at DATETIME, 
    user_id INTEGER NOT NULL, 
    client_id INTEGER NOT NULL, 
    gen_email_id INTEGER, 
    PRIMARY KEY (id), 
    CONSTRAINT uq_client_user UNIQUE (user_id, client_id), 
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE cascade, 
    FOREIGN KEY(client_id) REFERENCES client (id) ON DELETE cascade, 
    FOREIGN KEY(gen_email_id) REFERENCES gen_email (id) ON DELETE cascade
);
